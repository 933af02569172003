"""What must never work: codes twice, PKCE bypassed, foreign redirect URIs, open
redirects through the login page, tokens at the wrong client, tokens that outlive
the right to them."""

import json
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from signin.models import AccessToken, RefreshToken, Subject
from tests.factories import BorrowerFactory

from .conftest import (
    AUTHORIZE,
    LOGIN,
    TOKEN,
    USERINFO,
    Pkce,
    authorize_url,
    exchange,
    get_code,
    login,
    make_client,
    refresh,
    sign_in,
    with_password,
)


@pytest.fixture
def signed_in(client, borrower, app):
    login(client)
    return client


def test_a_code_works_once(signed_in, app):
    pkce = Pkce()
    code = get_code(signed_in, app, pkce)
    assert exchange(signed_in, app, code, pkce.verifier).status_code == 200
    again = exchange(signed_in, app, code, pkce.verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    refused = AuditEvent.objects.get(action=Action.SIGNIN_REFUSED)
    assert refused.detail["error"] == "invalid_grant"
    assert refused.detail["client_id"] == app.client_id


@pytest.mark.parametrize("verifier", ["wrong-" + "x" * 50, None])
def test_a_wrong_or_missing_verifier_gets_no_tokens(signed_in, app, verifier):
    pkce = Pkce()
    code = get_code(signed_in, app, pkce)
    response = exchange(signed_in, app, code, verifier)
    assert response.status_code == 400
    assert "access_token" not in response.json()


def test_a_request_without_pkce_or_with_plain_is_refused(signed_in, app):
    without = signed_in.get(authorize_url(app, code_challenge=None, code_challenge_method=None))
    assert "code=" not in without.get("Location", "")
    plain = signed_in.get(
        authorize_url(app, code_challenge="a" * 50, code_challenge_method="plain")
    )
    assert "code=" not in plain.get("Location", "")


def test_a_confidential_client_needs_pkce_too(signed_in, db):
    confidential = make_client("Webbsidan", public=False)
    response = signed_in.get(
        authorize_url(confidential, code_challenge=None, code_challenge_method=None)
    )
    assert "code=" not in response.get("Location", "")
    pkce = Pkce()
    code = get_code(signed_in, confidential, pkce)
    assert exchange(signed_in, confidential, code, pkce.verifier).status_code == 200


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/callback",
        "https://app.legimus.example/callback/../evil",
        "https://app.legimus.example/callbackx",
        "https://app.legimus.example.evil.example/callback",
    ],
)
def test_a_redirect_uri_not_registered_is_never_redirected_to(signed_in, app, redirect_uri):
    response = signed_in.get(authorize_url(app, redirect_uri=redirect_uri))
    assert response.status_code != 302 or "evil" not in response["Location"]
    assert response.status_code == 400 or not response.has_header("Location")
    refused = AuditEvent.objects.get(action=Action.SIGNIN_REFUSED)
    assert refused.detail["redirect_uri_registered"] is False


def test_an_unknown_client_is_never_redirected(signed_in, db):
    response = signed_in.get(
        AUTHORIZE
        + "?"
        + urlencode(
            {
                "response_type": "code",
                "client_id": "nobody",
                "redirect_uri": "https://evil.example/",
            }
        )
    )
    assert not response.has_header("Location")


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"],
)
def test_the_login_pages_next_is_no_open_redirect(client, borrower, next_url):
    response = login(client, next_url=next_url)
    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_a_token_of_one_client_is_no_good_at_another(client, borrower, app):
    other = make_client("Bokappen", redirect="https://bok.example/cb")
    tokens = sign_in(client, app)
    # The code of one client, exchanged by another.
    pkce = Pkce()
    code = get_code(client, app, pkce)
    stolen = exchange(client, other, code, pkce.verifier, redirect_uri="https://bok.example/cb")
    assert stolen.status_code == 400
    # The refresh token of one client, used by another.
    assert refresh(client, other, tokens["refresh_token"]).status_code == 400
    # The ID token names its audience: the other client must not accept it.
    assert (
        json.loads(__import__("base64").urlsafe_b64decode(tokens["id_token"].split(".")[1] + "=="))[
            "aud"
        ]
        == app.client_id
    )


def test_refresh_tokens_rotate_and_a_used_one_ends_the_family(client, borrower, app):
    tokens = sign_in(client, app)
    first = refresh(client, app, tokens["refresh_token"])
    assert first.status_code == 200
    newer = first.json()["refresh_token"]
    assert newer != tokens["refresh_token"]
    assert refresh(client, app, tokens["refresh_token"]).status_code == 400
    assert refresh(client, app, newer).status_code == 400  # the whole family is revoked


def test_a_new_password_ends_the_refresh_tokens_and_access_tokens(client, borrower, app):
    tokens = sign_in(client, app)
    borrower.change_password("Ett helt nytt lösenord 42", by=borrower)
    response = refresh(client, app, tokens["refresh_token"])
    assert response.status_code == 400
    refused = AuditEvent.objects.filter(action=Action.SIGNIN_REFUSED).latest("at")
    assert refused.detail["reason"] == "borrower_may_not_sign_in"
    assert refused.borrower_code == borrower.code
    userinfo = client.get(USERINFO, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert userinfo.status_code == 401


def test_a_password_set_by_a_registrar_ends_them_too(client, borrower, app, registrar):
    tokens = sign_in(client, app)
    borrower.set_password_by_registrar("Registrators lösenord 7", by=registrar)
    assert refresh(client, app, tokens["refresh_token"]).status_code == 400


def test_an_account_that_expires_mid_session_can_no_longer_refresh(client, borrower, app):
    tokens = sign_in(client, app)
    borrower.valid_until = timezone.localdate() - timedelta(days=1)
    borrower.save()
    assert refresh(client, app, tokens["refresh_token"]).status_code == 400
    userinfo = client.get(USERINFO, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert userinfo.status_code == 401
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()


def test_a_code_for_an_account_that_expired_meanwhile_gets_no_tokens(signed_in, borrower, app):
    pkce = Pkce()
    code = get_code(signed_in, app, pkce)
    borrower.valid_until = timezone.localdate() - timedelta(days=1)
    borrower.save()
    assert exchange(signed_in, app, code, pkce.verifier).status_code == 400


def test_a_deleted_account_leaves_no_tokens(client, borrower, app, registrar):
    sign_in(client, app)
    borrower.delete_account(by=registrar)
    assert not AccessToken.objects.exists() and not RefreshToken.objects.exists()


def test_an_lma_account_replaced_keeps_its_sub_but_not_its_tokens(client, app, registrar):
    from borrowers.identity import parse_personal_number

    lma = with_password(
        BorrowerFactory(lma=True, library=registrar.library, email="lena@post.example")
    )
    tokens = sign_in(client, app)
    sub = Subject.of(lma)
    successor = lma.replace_with_personnummer(
        by=registrar,
        send_credentials=False,
        identity=parse_personal_number("19850113-9995", today=date(2026, 3, 16)),
        email=lma.email,
        valid_until=None,
        library=lma.library,
        first_name="Lena",
        last_name="Läsare",
    )
    assert Subject.of(successor) == sub
    assert refresh(client, app, tokens["refresh_token"]).status_code == 400


def test_no_token_or_code_is_in_the_audit_log(client, borrower, app):
    tokens = sign_in(client, app)
    logged = json.dumps(list(AuditEvent.objects.values("detail")))
    for secret in (tokens["access_token"], tokens["refresh_token"], tokens["id_token"]):
        assert secret not in logged


def test_the_login_page_goes_back_to_the_authorization_request(client, borrower, app):
    url = authorize_url(app)
    assert client.get(url)["Location"] == LOGIN + "?" + urlencode({"next": url})
    assert TOKEN.startswith("/oidc/")
