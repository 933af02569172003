"""A borrower with a password, registered clients, and the steps of a sign-in."""

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.urls import reverse
from jwcrypto import jwk, jwt
from oauth2_provider.generators import generate_client_secret

from signin.models import Client
from tests.factories import BorrowerFactory

PASSWORD = "Sommarregn över taken"
EMAIL = "lena@post.example"
REDIRECT = "https://app.legimus.example/callback"
LOGIN = reverse("selfservice:login")
AUTHORIZE = reverse("oauth2_provider:authorize")
TOKEN = reverse("oauth2_provider:token")
USERINFO = reverse("oauth2_provider:user-info")
JWKS = reverse("oauth2_provider:jwks-info")


def with_password(borrower, password=PASSWORD):
    borrower.set_password(password)
    borrower.save()
    return borrower


@pytest.fixture
def borrower(library_a):
    return with_password(
        BorrowerFactory(library=library_a, first_name="Lena", last_name="Läsare", email=EMAIL)
    )


def make_client(name="Legimus", *, public=True, first_party=True, redirect=REDIRECT):
    secret = "" if public else generate_client_secret()
    client = Client.objects.create(
        name=name,
        redirect_uris=redirect,
        post_logout_redirect_uris="https://app.legimus.example/bye",
        client_type=Client.CLIENT_PUBLIC if public else Client.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
        algorithm=Client.RS256_ALGORITHM,
        skip_authorization=first_party,
        client_secret=secret,
    )
    client.plain_secret = secret
    return client


@pytest.fixture
def app(db):
    return make_client()


def login(client, email=EMAIL, password=PASSWORD, next_url=None):
    url = LOGIN + ("?" + urlencode({"next": next_url}) if next_url else "")
    return client.post(url, {"email": email, "password": password}, REMOTE_ADDR="10.0.0.1")


class Pkce:
    def __init__(self):
        self.verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(self.verifier.encode()).digest()
        self.challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_url(app, pkce=None, **extra):
    pkce = pkce or Pkce()
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": "openid email registry",
        "state": "st4te",
        "nonce": "n0nce",
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    params = {k: v for k, v in params.items() if v is not None}
    return AUTHORIZE + "?" + urlencode(params)


def query_of(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def get_code(client, app, pkce) -> str:
    response = client.get(authorize_url(app, pkce))
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith(REDIRECT + "?")
    query = query_of(response["Location"])
    assert query["state"] == "st4te"
    return query["code"]


def exchange(client, app, code, verifier, **extra):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": app.client_id,
        "code_verifier": verifier,
        **extra,
    }
    if app.plain_secret:
        data["client_secret"] = app.plain_secret
    return client.post(TOKEN, {k: v for k, v in data.items() if v is not None})


def refresh(client, app, refresh_token):
    data = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": app.client_id,
    }
    if app.plain_secret:
        data["client_secret"] = app.plain_secret
    return client.post(TOKEN, data)


def sign_in(client, app) -> dict:
    """Log in on Mina sidor, authorize, exchange the code: the token response."""
    response = login(client)
    assert response.status_code == 302, response.content.decode()[:500]
    pkce = Pkce()
    code = get_code(client, app, pkce)
    response = exchange(client, app, code, pkce.verifier)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def verified_claims(client, id_token: str) -> dict:
    keys = jwk.JWKSet.from_json(client.get(JWKS).content)
    token = jwt.JWT(jwt=id_token, key=keys, algs=["RS256"])
    return json.loads(token.claims)
