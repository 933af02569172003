"""Unusual search volume: past SEARCH_LIMIT_PER_HOUR identity-number searches in a
clock hour, one staff member's further identity searches are refused until the
next hour, and MTM sees "ovanligt många sökningar" in the admin's audit log."""

import pytest
import time_machine
from django.urls import reverse

from audit.models import Action, AuditEvent
from tests.factories import ADULT_PERSONNUMMER

SEARCH = reverse("borrowers:search")
REFUSED = "Du har sökt på ovanligt många person- eller samordningsnummer den här timmen."


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.SEARCH_LIMIT_PER_HOUR = 3


def search(client, text):
    return client.post(SEARCH, {"q": text})


def numbers(count):
    return [f"{n[:8]}-{n[8:]}" for n in ADULT_PERSONNUMMER[:count]]


def test_past_the_limit_identity_searches_are_refused_for_the_rest_of_the_hour(
    registrar_client, registrar
):
    with time_machine.travel("2026-11-28 09:10 +01:00", tick=False):
        for number in numbers(3):
            assert search(registrar_client, number).status_code == 302
        refused = search(registrar_client, numbers(4)[3])
        assert refused.status_code == 429
        html = refused.content.decode()
        assert REFUSED in html and "igen kl. 10:00" in html
        # Other letter cases and spacings of a number are the same identity search.
        assert search(registrar_client, numbers(1)[0].replace("-", "")).status_code == 429
        # A search by name is no identity search.
        assert search(registrar_client, "Andersson").status_code == 302
    with time_machine.travel("2026-11-28 09:35 +01:00", tick=False):  # within the idle limit
        assert search(registrar_client, numbers(1)[0]).status_code == 429
    with time_machine.travel("2026-11-28 10:00 +01:00", tick=False):
        assert search(registrar_client, numbers(1)[0]).status_code == 302
    (event,) = AuditEvent.objects.filter(action=Action.UNUSUAL_SEARCHES)
    assert event.actor == registrar and event.library == registrar.library
    assert event.detail == {"limit": 3}


def test_the_count_is_per_staff_member(registrar_client, head_admin, client):
    with time_machine.travel("2026-11-28 09:10 +01:00", tick=False):
        for number in numbers(3):
            search(registrar_client, number)
        assert search(registrar_client, numbers(1)[0]).status_code == 429
        client.force_login(head_admin)
        assert search(client, numbers(1)[0]).status_code == 302


def test_the_admin_search_counts_and_refuses_too(client, mtm_staff):
    client.force_login(mtm_staff)
    changelist = reverse("admin:borrowers_borrower_changelist")
    with time_machine.travel("2026-11-28 09:10 +01:00", tick=False):
        for number in numbers(3):
            client.get(changelist, {"q": number})
        response = client.get(changelist, {"q": numbers(1)[0]}, follow=True)
        assert REFUSED in response.content.decode()
        audit = client.get(
            reverse("admin:audit_auditevent_changelist"), {"action": Action.UNUSUAL_SEARCHES}
        )
        assert "ovanligt många sökningar" in audit.content.decode()
