"""*Förläng giltighetstid*: MTM extends many accounts at once; each is judged by
the validity rule of its kind, and the result lists who was refused and why."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from borrowers.models import Borrower, ExpiryReminder
from borrowers.reminders import send_expiry_reminders
from tests.factories import BorrowerFactory, StaffFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:borrowers_borrower_changelist")


def today():
    return timezone.localdate()


def extend(client, borrowers, new_date=None, url=URL, **extra):
    data = {"action": "extend_validity", "_selected_action": [b.pk for b in borrowers], **extra}
    if new_date is not None:
        data.update(apply="1", valid_until=f"{new_date:%Y-%m-%d}")
    return client.post(url, data)


@pytest.fixture
def accounts(library_a):
    soon = today() + timedelta(days=10)
    return {
        "person": BorrowerFactory(library=library_a, valid_until=soon),
        "sam": BorrowerFactory(library=library_a, samordningsnummer=True, valid_until=soon),
        "lma": BorrowerFactory(library=library_a, lma=True, valid_until=soon),
        "open": BorrowerFactory(library=library_a, valid_until=None),
    }


def test_the_date_comes_first_on_a_page_of_its_own(mtm_client, accounts):
    response = extend(mtm_client, accounts.values())
    assert response.status_code == 200
    page = response.content.decode()
    assert "4 låntagare är valda" in page and 'for="id_valid_until"' in page
    assert not AuditEvent.objects.filter(action=Action.UPDATED).exists()


def test_each_account_is_judged_by_the_rule_of_its_kind(mtm_client, mtm_user, accounts):
    new_date = today() + timedelta(days=400)
    response = extend(mtm_client, accounts.values(), new_date)
    assert response.status_code == 200
    extended = response.context["extended"]
    refused = dict(response.context["refused"])
    assert extended == [accounts["person"]]
    assert "högst ett år" in refused[accounts["sam"]]
    assert "LMA-kortet" in refused[accounts["lma"]]
    assert "redan giltigt" in refused[accounts["open"]]
    values = dict(Borrower.objects.values_list("pk", "valid_until"))
    assert values[accounts["person"].pk] == new_date
    assert values[accounts["sam"].pk] == today() + timedelta(days=10)
    event = AuditEvent.objects.get(action=Action.UPDATED)
    assert event.borrower_code == accounts["person"].code and event.fields == ["valid_until"]
    assert event.actor == mtm_user


def test_a_coordination_number_is_extended_within_a_year(mtm_client, accounts):
    new_date = today() + timedelta(days=300)
    response = extend(mtm_client, [accounts["sam"]], new_date)
    assert response.context["extended"] == [accounts["sam"]]
    assert "1 konto förlängt" in response.content.decode()


def test_a_past_date_is_refused_with_the_form_kept(mtm_client, accounts):
    response = extend(mtm_client, [accounts["person"]], today() - timedelta(days=1))
    page = response.content.decode()
    assert 'class="errornote"' in page and 'href="#id_valid_until"' in page
    assert f'value="{today() - timedelta(days=1):%Y-%m-%d}"' in page
    assert not AuditEvent.objects.filter(action=Action.UPDATED).exists()


def test_the_extension_re_arms_the_expiry_reminder(mtm_client, accounts):
    person = accounts["person"]
    assert send_expiry_reminders(today=today()).queued == 3
    new_date = today() + timedelta(days=100)
    extend(mtm_client, [person], new_date)
    assert ExpiryReminder.objects.filter(borrower=person).count() == 1
    run = send_expiry_reminders(today=new_date - timedelta(days=5))
    assert run.queued == 1
    assert ExpiryReminder.objects.filter(borrower=person, valid_until=new_date).exists()


def test_a_filtered_list_is_extended_whole(mtm_client, accounts, library_b):
    far = BorrowerFactory(library=library_b, valid_until=today() + timedelta(days=80))
    BorrowerFactory(library=library_b, valid_until=today() + timedelta(days=200))
    listed = mtm_client.get(URL, {"upphor_inom": "90", "id_kind": "personnummer"})
    assert set(listed.context["cl"].result_list) == {accounts["person"], far}
    new_date = today() + timedelta(days=365)
    url = f"{URL}?upphor_inom=90&id_kind=personnummer"
    response = extend(mtm_client, [accounts["person"]], new_date, url=url, select_across="1")
    assert set(response.context["extended"]) == {accounts["person"], far}


def test_staff_who_may_only_view_cannot_extend(client, accounts):
    viewer = StaffFactory(email="visa@mtm.example", library=None, role="", is_staff=True)
    group = Group.objects.get(name="MTM-personal")
    viewer.user_permissions.set(group.permissions.exclude(codename="change_borrower"))
    client.force_login(viewer)
    response = extend(client, [accounts["person"]], today() + timedelta(days=100))
    assert response.status_code in (302, 403)
    accounts["person"].refresh_from_db()
    assert accounts["person"].valid_until == today() + timedelta(days=10)
