"""Sign in with the registry through Caddy, as a service would: Authlib (not the
provider's code) does discovery, PKCE, the code exchange and checks the ID token's
signature against the JWKS."""

import re
import secrets
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt

EMAIL = "e2e.oidc@post.example"
PASSWORD = "sommar-eka-oidc-e2e"
REDIRECT = "https://app.legimus.example/callback"


def _borrower_with_password(stack):
    stack.manage(
        "shell",
        "-c",
        "from borrowers.models import Borrower\n"
        "b = Borrower.objects.filter(protected_identity=False, valid_until__isnull=True,"
        " library__isnull=False).order_by('pk').first()\n"
        f"b.email = {EMAIL!r}\nb.set_password({PASSWORD!r})\nb.save()\n",
    )


def test_a_service_signs_a_borrower_in_with_openid_connect(stack, proved):
    created = stack.manage(
        "create_oidc_client",
        "Legimus e2e",
        "--redirect-uri",
        REDIRECT,
        "--public",
        "--first-party",
    ).stdout
    [client_id] = re.findall(r"^client_id=(\S+)$", created, re.M)
    assert "client_secret" not in created
    _borrower_with_password(stack)

    http = requests.Session()
    http.verify = str(stack.ca_file)
    http.trust_env = False  # REQUESTS_CA_BUNDLE would override the stack's own CA
    metadata = http.get(f"{stack.url}/.well-known/openid-configuration", timeout=10).json()
    assert metadata["issuer"] == stack.url
    assert metadata["code_challenge_methods_supported"] == ["S256"]

    client = OAuth2Session(
        client_id,
        redirect_uri=REDIRECT,
        scope="openid email registry",
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    client.verify = str(stack.ca_file)
    client.trust_env = False
    verifier = secrets.token_urlsafe(48)
    url, state = client.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier, nonce="e2e-nonce"
    )

    # The borrower: the authorization endpoint sends them to Mina sidor's login.
    login_page = http.get(url, timeout=10)
    assert "/mina-sidor/logga-in/" in login_page.url
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    answer = http.post(
        login_page.url,
        data={"csrfmiddlewaretoken": csrf, "email": EMAIL, "password": PASSWORD},
        headers={"Referer": login_page.url},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    back = http.get(stack.url + answer.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith(REDIRECT + "?")
    query = parse_qs(urlsplit(back.headers["Location"]).query)
    assert query["state"] == [state]

    token = client.fetch_token(
        metadata["token_endpoint"],
        authorization_response=back.headers["Location"],
        code_verifier=verifier,
    )
    keys = JsonWebKey.import_key_set(http.get(metadata["jwks_uri"], timeout=10).json())
    claims = jwt.decode(
        token["id_token"],
        keys,
        claims_options={
            "iss": {"essential": True, "value": metadata["issuer"]},
            "aud": {"essential": True, "value": client_id},
            "nonce": {"essential": True, "value": "e2e-nonce"},
        },
    )
    claims.validate()
    assert claims["email"] == EMAIL
    assert claims["https://mtm.se/claims/library"]["name"]
    assert re.fullmatch(r"[0-9a-f-]{36}", claims["sub"])

    userinfo = client.get(metadata["userinfo_endpoint"], timeout=10).json()
    assert userinfo["sub"] == claims["sub"]
    proved(
        "create_oidc_client registered a public first-party client; Authlib did discovery, "
        "PKCE (S256), the login on Mina sidor through Caddy, the code exchange, and verified "
        "the ID token's RS256 signature against the JWKS, its issuer, audience and nonce"
    )

    logs = "\n".join(stack.log(name) for name in ("gunicorn", "caddy"))
    for secret in (PASSWORD, token["access_token"], token["refresh_token"]):
        assert secret not in logs
    assert token["access_token"] not in logs
