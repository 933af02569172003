import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "register.example",
}


def manage(*args, **env):
    # The browser tests allow async-unsafe ORM use in this process; a deployment never does.
    dropped = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_content_security_policy_allows_no_inline_code(client, db):
    csp = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in csp


def test_security_headers(client, db):
    response = client.get(reverse("accounts:login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_with_personal_data_are_never_cached(registrar_client):
    cache_control = registrar_client.get(reverse("portal:start"))["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_templates_never_inline_script_or_style():
    for template in (ROOT / "templates").rglob("*.html"):
        if template.parts[-2] == "mail":
            continue  # mail clients need inline style; no browser policy applies there
        text = template.read_text()
        assert "<script>" not in text and " style=" not in text and "<style" not in text, template


def test_accessibility_statement_is_public_and_linked_from_every_page(client, db):
    response = client.get(reverse("portal:accessibility"))
    assert response.status_code == 200
    assert "Tillgänglighetsredogörelse" in client.get(reverse("accounts:login")).content.decode()
