"""Last use: the login check API records the day of a successful login, and nothing
more; the borrower page shows it; MTM can list accounts unused for 12 months."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import BorrowerFactory
from tests.selfservice.conftest import PASSWORD, call_api

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_a_successful_login_check_records_the_day_only(client, borrower, service_token):
    # 00:30 in Stockholm is still the day before in UTC: the day is Stockholm's.
    with time_machine.travel(datetime(2026, 3, 2, 0, 30, tzinfo=STOCKHOLM), tick=False):
        assert call_api(client, service_token.plain).json()["ok"] is True
    borrower.refresh_from_db()
    assert borrower.last_login == date(2026, 3, 2)
    assert type(borrower.last_login) is date


def test_a_failed_or_refused_login_check_records_nothing(client, borrower, service_token):
    call_api(client, service_token.plain, password=PASSWORD + "x")
    call_api(client, service_token.plain, email="LENA@post.example ", password="fel")
    borrower.valid_until = date(2020, 1, 1)
    borrower.save()
    assert call_api(client, service_token.plain).json()["reason"] == "expired"
    borrower.refresh_from_db()
    assert borrower.last_login is None


def test_mina_sidor_is_not_a_login_in_legimus(borrower_client, borrower):
    borrower.refresh_from_db()
    assert borrower.last_login is None


def test_the_borrower_page_shows_the_last_login_in_legimus(client, registrar, borrower):
    client.force_login(registrar)
    url = reverse("borrowers:detail", args=[borrower.code])
    assert "<dt>Senast inloggad i Legimus</dt><dd>Aldrig</dd>" in client.get(url).content.decode()
    borrower.last_login = date(2026, 1, 5)
    borrower.save()
    page = client.get(url).content.decode()
    assert "<dt>Senast inloggad i Legimus</dt><dd>2026-01-05</dd>" in page


def test_mtm_lists_accounts_unused_for_12_months_or_more(client, mtm_staff, library_a):
    with time_machine.travel(datetime(2025, 1, 1, 12, tzinfo=STOCKHOLM), tick=False):
        long_ago = BorrowerFactory(library=library_a)  # registered then, never logged in
    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=STOCKHOLM), tick=False):
        exactly = BorrowerFactory(library=library_a, last_login=date(2025, 6, 15))
        BorrowerFactory(library=library_a, last_login=date(2025, 6, 16))  # a day short
        BorrowerFactory(library=library_a)  # new, never logged in
        client.force_login(mtm_staff)
        response = client.get(reverse("admin:borrowers_borrower_changelist"), {"oanvant": "12"})
        everyone = client.get(reverse("admin:borrowers_borrower_changelist"))
    assert set(response.context["cl"].result_list) == {long_ago, exactly}
    assert len(everyone.context["cl"].result_list) == 4
    assert "Inte inloggad i Legimus på 12 månader eller mer" in response.content.decode()
