"""MTM manages the services that sign borrowers in: the admin's Tjänster and
create_oidc_client; the signing keys and their roll-over."""

import re
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from jwcrypto import jwk
from oauth2_provider.settings import oauth2_settings

from core.oidc_keys import development_key, new_private_key_pem
from signin.models import Client
from tests.admin.conftest import mtm_client, mtm_user  # noqa: F401 (fixtures)

from .conftest import JWKS, sign_in


def create(*args) -> str:
    out = StringIO()
    call_command("create_oidc_client", *args, stdout=out)
    return out.getvalue()


def test_a_public_client_gets_a_client_id_and_no_secret(db):
    printed = create(
        "Legimus app", "--redirect-uri", "https://app.example/cb", "--public", "--first-party"
    )
    [client_id] = re.findall(r"^client_id=(\S+)$", printed, re.M)
    assert "client_secret" not in printed
    client = Client.objects.get(client_id=client_id)
    assert client.client_type == Client.CLIENT_PUBLIC and client.first_party
    assert client.redirect_uris == "https://app.example/cb"


def test_a_confidential_client_gets_its_secret_once_and_it_is_kept_hashed(db):
    printed = create("Webben", "--redirect-uri", "https://webb.example/cb")
    [secret] = re.findall(r"^client_secret=(\S+)$", printed, re.M)
    client = Client.objects.get(name="Webben")
    assert client.client_type == Client.CLIENT_CONFIDENTIAL and not client.first_party
    assert secret not in client.client_secret


def test_a_bad_redirect_uri_is_refused(db):
    with pytest.raises(CommandError):
        create("Trasig", "--redirect-uri", "inte en adress")
    assert not Client.objects.exists()


def test_mtm_staff_manage_the_services_in_the_admin(mtm_client):  # noqa: F811
    page = mtm_client.get(reverse("admin:index")).content.decode()
    assert "Tjänster" in page
    response = mtm_client.post(
        reverse("admin:signin_client_add"),
        {
            "name": "Bokappen",
            "redirect_uris": "https://bok.example/cb",
            "post_logout_redirect_uris": "",
            "client_type": "public",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client = Client.objects.get(name="Bokappen")
    assert client.authorization_grant_type == Client.GRANT_AUTHORIZATION_CODE
    assert client.algorithm == Client.RS256_ALGORITHM and not client.first_party
    form = mtm_client.get(reverse("admin:signin_client_change", args=[client.pk])).content.decode()
    assert "Återvändsadresser" in form and "MTM:s egen tjänst" in form


def test_the_next_key_is_published_before_it_signs(client, borrower, app, settings):
    current = oauth2_settings.OIDC_RSA_PRIVATE_KEY
    upcoming = new_private_key_pem()
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [upcoming],
    }
    published = {key["kid"] for key in client.get(JWKS).json()["keys"]}
    next_kid = jwk.JWK.from_pem(upcoming.encode()).thumbprint()
    current_kid = jwk.JWK.from_pem(current.encode()).thumbprint()
    assert published == {current_kid, next_kid}
    tokens = sign_in(client, app)
    assert _kid(tokens["id_token"]) == current_kid  # the next key does not sign yet

    # The roll-over: the new key signs, the old one is still published.
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": upcoming,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [current],
    }
    assert {key["kid"] for key in client.get(JWKS).json()["keys"]} == {current_kid, next_kid}
    later = sign_in(client, app)
    assert _kid(later["id_token"]) == next_kid


def _kid(token: str) -> str:
    import base64
    import json

    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]


def test_the_development_key_is_made_once_and_kept_private(tmp_path):
    path = tmp_path / "key.pem"
    first = development_key(path)
    assert "PRIVATE KEY" in first and development_key(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.tmp"))
