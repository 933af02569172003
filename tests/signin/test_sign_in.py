"""A borrower signs in to a service with the registry: the authorization code flow
with PKCE, the ID token's claims, userinfo, consent, logout."""

import json
from datetime import date, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from borrowers.models import Service
from signin.claims import ADULT, KIND, LIBRARY, SERVICES, VALID_UNTIL
from signin.models import Subject
from tests.factories import BorrowerFactory

from .conftest import (
    AUTHORIZE,
    LOGIN,
    REDIRECT,
    USERINFO,
    Pkce,
    authorize_url,
    exchange,
    get_code,
    login,
    make_client,
    query_of,
    sign_in,
    verified_claims,
    with_password,
)


def test_discovery_names_the_endpoints_and_s256_only(client, db):
    document = client.get("/.well-known/openid-configuration").json()
    assert document["issuer"] == "http://127.0.0.1:8000" or document["issuer"].startswith("http")
    assert document["authorization_endpoint"].endswith("/oidc/authorize/")
    assert document["token_endpoint"].endswith("/oidc/token/")
    assert document["jwks_uri"].endswith("/oidc/jwks/")
    assert document["userinfo_endpoint"].endswith("/oidc/userinfo/")
    assert document["end_session_endpoint"].endswith("/oidc/logout/")
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    keys = client.get(document["jwks_uri"]).json()["keys"]
    assert keys and all(key["kty"] == "RSA" and key["alg"] == "RS256" for key in keys)


def test_a_borrower_is_sent_to_mina_sidors_login_and_back(client, borrower, app):
    pkce = Pkce()
    url = authorize_url(app, pkce)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=")
    response = login(client, next_url=url)
    assert response["Location"] == url
    code = get_code(client, app, pkce)
    tokens = json.loads(exchange(client, app, code, pkce.verifier).content)
    assert {"access_token", "refresh_token", "id_token"} <= set(tokens)
    assert tokens["expires_in"] == 300


def test_the_id_token_is_signed_and_says_what_the_login_check_says(client, borrower, app):
    borrower.services.set(Service.objects.filter(published=True)[:1])
    tokens = sign_in(client, app)
    claims = verified_claims(client, tokens["id_token"])
    assert claims["aud"] == app.client_id
    assert claims["nonce"] == "n0nce"
    assert claims["email"] == "lena@post.example"
    assert claims[KIND] == "personnummer"
    assert claims[ADULT] is True
    assert claims[LIBRARY]["name"] == borrower.library.name
    assert claims[VALID_UNTIL] is None
    assert claims[SERVICES] == list(
        borrower.services.filter(published=True).values_list("name", flat=True)
    )
    # `sub`: opaque and stable, neither the identity number nor the internal code.
    assert claims["sub"] == Subject.of(borrower)
    assert borrower.identifier not in json.dumps(claims)
    assert str(borrower.code) not in json.dumps(claims)
    again = sign_in(client, app)
    assert verified_claims(client, again["id_token"])["sub"] == claims["sub"]


def test_userinfo_gives_the_same_claims(client, borrower, app):
    tokens = sign_in(client, app)
    response = client.get(USERINFO, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert response.status_code == 200
    assert response.json()["sub"] == Subject.of(borrower)
    assert response.json()[KIND] == "personnummer"


def test_a_protected_identity_gets_no_library(client, app, db):
    with_password(BorrowerFactory(protected=True, email="lena@post.example"))
    claims = verified_claims(client, sign_in(client, app)["id_token"])
    assert claims[LIBRARY] is None


def test_only_the_scopes_asked_for_are_told(client, borrower, app):
    login(client)
    pkce = Pkce()
    response = client.get(authorize_url(app, pkce, scope="openid"))
    code = query_of(response["Location"])["code"]
    tokens = json.loads(exchange(client, app, code, pkce.verifier).content)
    claims = verified_claims(client, tokens["id_token"])
    assert "email" not in claims and KIND not in claims


def test_an_expired_borrower_is_refused_on_the_sign_in_page(client, borrower, app):
    borrower.valid_until = timezone.localdate() - timedelta(days=1)
    borrower.save()
    url = authorize_url(app)
    response = login(client, next_url=url)
    assert response.status_code == 200
    message = response.context["form"].non_field_errors()[0]
    assert "kontakta ditt bibliotek" in message.lower()
    assert client.get(url)["Location"].startswith(LOGIN)


def test_sign_in_is_audited(client, borrower, app):
    sign_in(client, app)
    authorized = AuditEvent.objects.get(action=Action.SIGNIN_AUTHORIZED)
    assert authorized.borrower_code == borrower.code
    assert authorized.detail["client_id"] == app.client_id
    issued = AuditEvent.objects.get(action=Action.SIGNIN_TOKEN_ISSUED)
    assert issued.borrower_code == borrower.code
    assert issued.detail["grant_type"] == "authorization_code"


def test_a_third_party_client_asks_for_consent_naming_what_it_gets(client, borrower, db):
    other = make_client("Bokappen", first_party=False)
    login(client)
    pkce = Pkce()
    response = client.get(authorize_url(other, pkce))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bokappen" in page and "Din e-postadress" in page
    # The consent form may be redirected to the client's own origin, and nowhere else.
    assert "form-action 'self' https://app.legimus.example" in response["Content-Security-Policy"]
    form = response.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    denied = client.post(AUTHORIZE, data)
    assert query_of(denied["Location"])["error"] == "access_denied"
    assert AuditEvent.objects.filter(action=Action.SIGNIN_REFUSED).exists()
    allowed = client.post(AUTHORIZE, {**data, "allow": "Authorize"})
    code = query_of(allowed["Location"])["code"]
    assert exchange(client, other, code, pkce.verifier).status_code == 200


def test_prompt_none_without_a_login_answers_login_required(client, app, db):
    response = client.get(authorize_url(app, prompt="none"))
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT)
    assert query_of(response["Location"])["error"] == "login_required"


def test_rp_initiated_logout_ends_the_session_and_the_tokens(client, borrower, app):
    tokens = sign_in(client, app)
    response = client.get(
        reverse("oauth2_provider:rp-initiated-logout"),
        {
            "id_token_hint": tokens["id_token"],
            "client_id": app.client_id,
            "post_logout_redirect_uri": "https://app.legimus.example/bye",
            "state": "s",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "https://app.legimus.example/bye?state=s"
    assert client.get(reverse("selfservice:details")).status_code == 302
    userinfo = client.get(USERINFO, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert userinfo.status_code == 401


def test_access_tokens_are_short_lived(client, borrower, app):
    tokens = sign_in(client, app)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = client.get(USERINFO, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert response.status_code == 401


def test_valid_until_is_a_date(client, borrower, app):
    borrower.valid_until = date(2031, 12, 31)
    borrower.save()
    assert verified_claims(client, sign_in(client, app)["id_token"])[VALID_UNTIL] == "2031-12-31"


def test_the_login_page_lets_the_sign_in_reach_the_service(client, app, db):
    """Browsers check form-action along the redirects after the login form."""
    response = client.get(
        LOGIN + "?" + __import__("urllib.parse").parse.urlencode({"next": authorize_url(app)})
    )
    assert "form-action 'self' https://app.legimus.example" in response["Content-Security-Policy"]
    plain = client.get(LOGIN)
    assert "form-action 'self'" in [d.strip() for d in plain["Content-Security-Policy"].split(";")]
