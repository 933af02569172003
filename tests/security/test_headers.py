"""Headers on many kinds of page (registrar UI, admin, Mina sidor, public pages,
error pages), and the production settings as a deployment really reads them:
HSTS, __Host- cookies that are Secure, HttpOnly and SameSite.

(tests/core/test_settings.py checks check --deploy and the login page's CSP.)
"""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.core.test_settings import PRODUCTION, manage

from .conftest import BORROWER, MTM_SUPERUSER, REGISTRAR_A, log_in_as


def pages(w):
    yield None, reverse("accounts:login")
    yield None, reverse("portal:accessibility")
    yield None, reverse("selfservice:login")
    yield None, reverse("applications:library_search")
    yield REGISTRAR_A, reverse("portal:start")
    yield REGISTRAR_A, reverse("borrowers:create_adult")
    yield REGISTRAR_A, reverse("borrowers:detail", args=[w.borrower_a.code])
    yield REGISTRAR_A, "/finns-inte/"
    yield MTM_SUPERUSER, reverse("admin:index")
    yield MTM_SUPERUSER, reverse("admin:borrowers_borrower_changelist")
    yield MTM_SUPERUSER, reverse("admin:borrowers_borrower_change", args=[w.borrower_a.pk])
    yield BORROWER, reverse("selfservice:details")


def directives(header: str) -> dict[str, str]:
    parts = (d.strip().split(" ", 1) for d in header.split(";") if d.strip())
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


def test_every_kind_of_page_has_a_strict_policy_and_the_security_headers(client, world):
    for actor, url in pages(world):
        log_in_as(client, world, actor or "anonymous")
        response = client.get(url)
        assert response.status_code in (200, 404), url
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == "'self'", url
        assert policy["style-src"] == "'self'", url
        assert policy["default-src"] == "'self'", url
        assert policy["frame-ancestors"] == "'none'", url
        assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'", url
        assert "unsafe" not in response["Content-Security-Policy"], url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] in ("same-origin", "strict-origin", "no-referrer"), url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        permissions = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in permissions, url
        assert "publickey-credentials-get=(self)" in permissions, url
        if actor:
            assert "no-store" in response["Cache-Control"], url


@pytest.fixture(scope="module")
def production_settings():
    """The security settings as `manage.py shell` reads them with DJANGO_DEBUG=false."""
    names = [
        "DEBUG",
        "SESSION_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_AGE",
        "SESSION_REFRESH_FRACTION",
        "SESSION_ABSOLUTE_SECONDS",
        "CSRF_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "PASSWORD_HASHERS",
    ]
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = manage("shell", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_are_the_secure_ones(production_settings):
    s = production_settings
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert s["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"]
    assert s["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert s["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert s["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and s["SECURE_HSTS_PRELOAD"]
    assert s["SECURE_SSL_REDIRECT"]
    # The idle limit slides: the session is saved at least every tenth of it.
    assert s["SESSION_COOKIE_AGE"] <= 30 * 60 and 0 < s["SESSION_REFRESH_FRACTION"] <= 0.1
    assert s["SESSION_ABSOLUTE_SECONDS"] <= 12 * 60 * 60
    assert s["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")


def test_production_responses_carry_hsts_and_host_cookies(client, world, production_settings):
    """The production values applied in-process: what a browser receives."""
    keys = [k for k in production_settings if k.startswith(("SESSION_COOKIE", "CSRF", "SECURE"))]
    values = {k: production_settings[k] for k in keys}
    with override_settings(**values):
        client.cookies.clear()
        response = client.get(reverse("accounts:login"), secure=True)
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        csrf = response.cookies[values["CSRF_COOKIE_NAME"]]
        login = client.post(
            reverse("accounts:login"),
            {"username": world.staff[REGISTRAR_A].email, "password": "fel"},
            secure=True,
        )
        assert login.status_code == 200
        client.force_login(world.staff[REGISTRAR_A])
        response = client.get(reverse("portal:start"), secure=True)
        session = response.cookies[values["SESSION_COOKIE_NAME"]]
    for cookie in (csrf, session):
        # __Host- cookies: Secure, Path=/ and no Domain, or browsers drop them.
        assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
        assert cookie["samesite"] in ("Lax", "Strict")
    assert session["httponly"]
    # Plain HTTP is redirected to HTTPS.
    with override_settings(**values):
        assert client.get(reverse("accounts:login")).status_code == 301
