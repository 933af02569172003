"""MTM creates and revokes service tokens in the admin."""

import hashlib
import re

from django.urls import reverse

from selfservice.models import ServiceToken

from .conftest import call_api

ADD = reverse("admin:selfservice_servicetoken_add")
CHANGELIST = reverse("admin:selfservice_servicetoken_changelist")


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(client, mtm_staff, borrower):
    client.force_login(mtm_staff)
    response = client.post(ADD, {"name": "Legimus"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = re.search(r'id="service-token"[^>]*value="([^"]+)"', response.content.decode())[1]
    stored = ServiceToken.objects.get()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    # Not in the message cookie, not on the next page.
    assert token not in str(response.cookies)
    assert token not in client.get(CHANGELIST).content.decode()
    assert (
        token
        not in client.get(
            reverse("admin:selfservice_servicetoken_change", args=[stored.pk])
        ).content.decode()
    )
    # The token works.
    from django.test import Client

    assert call_api(Client(), token).status_code == 200


def test_revoking_a_token_in_the_admin(client, mtm_staff, service_token, borrower):
    client.force_login(mtm_staff)
    client.post(
        CHANGELIST,
        {"action": "revoke", "_selected_action": [service_token.pk]},
    )
    service_token.refresh_from_db()
    assert service_token.revoked_at is not None
    from django.test import Client

    assert call_api(Client(), service_token.plain).status_code == 401


def test_tokens_cannot_be_deleted(client, mtm_staff, service_token):
    client.force_login(mtm_staff)
    url = reverse("admin:selfservice_servicetoken_delete", args=[service_token.pk])
    assert client.get(url).status_code == 403
