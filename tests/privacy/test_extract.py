"""The register extract (GDPR art. 15): MTM's *Registerutdrag* in the admin and the
borrower's *Hämta mina uppgifter* on Mina sidor hold every category of data about
the borrower, nothing about anyone else, and are both audited."""

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts import borrower_throttle as throttle
from accounts.models import LoginFailure
from audit.log import record
from audit.models import Action, AuditEvent
from borrowers.merge import merge
from borrowers.models import ExpiryReminder, Service
from notifications.models import MailKind, MailStatus, OutgoingMail
from privacy.extract import TABLES
from tests.factories import BorrowerFactory
from tests.selfservice.conftest import PASSWORD, login, with_password
from transfers.models import TransferRequest

pytestmark = pytest.mark.django_db

EXTRACT_KEYS = {
    "made",
    "account",
    "services",
    "agreement",
    "transfer_requests",
    "mails",
    "expiry_reminders",
    "failed_logins",
    "audit_log",
}


def extract_url(borrower) -> str:
    return reverse("admin:borrowers_borrower_extract", args=[borrower.pk])


MINA = reverse("privacy:borrower_extract")


@pytest.fixture
def history(borrower, registrar, library_b, registrar_b, client):
    """Something of every category for Lena, and the same kinds for Bertil (library B)."""
    now = timezone.now()
    borrower.services.set([Service.objects.get(name="Laddare")])
    borrower.agreement_accepted_at, borrower.agreement_accepted_by = now, registrar
    borrower.valid_until = date(2027, 1, 31)
    borrower.save()
    TransferRequest.request(borrower, to_library=library_b, by=registrar)
    OutgoingMail.objects.create(
        kind=MailKind.BORROWER_CREDENTIALS,
        to=borrower.email,
        context={"borrower": borrower.pk},
        status=MailStatus.SENT,
        sent_at=now,
    )
    ExpiryReminder.objects.create(borrower=borrower, valid_until=borrower.valid_until)
    LoginFailure.objects.create(channel="mina_sidor", account=throttle.account_key(borrower.email))
    record(Action.VIEWED, actor=registrar, borrower=borrower)
    record(Action.SEARCHED, actor=registrar_b, search_term=borrower.identifier, by="identity")

    other = BorrowerFactory(
        library=library_b, first_name="Bertil", last_name="Berg", email="bertil@post.example"
    )
    OutgoingMail.objects.create(
        kind=MailKind.EXPIRY_REMINDER, to=other.email, context={"borrower": other.pk}
    )
    ExpiryReminder.objects.create(borrower=other, valid_until=date(2030, 1, 1))
    LoginFailure.objects.create(channel="api", account=throttle.account_key(other.email))
    record(Action.VIEWED, actor=registrar_b, borrower=other)
    record(Action.SEARCHED, actor=registrar, search_term=other.identifier, by="identity")
    return other


def test_the_admins_extract_holds_every_category(client, mtm_staff, borrower, history):
    client.force_login(mtm_staff)
    response = client.get(extract_url(borrower), {"format": "json"})
    assert response["Content-Disposition"].startswith('attachment; filename="registerutdrag-')
    data = json.loads(response.content)
    assert set(data) == EXTRACT_KEYS
    account = data["account"]
    assert (account["first_name"], account["email"]) == ("Lena", "lena@post.example")
    assert account["identifier"] == borrower.display_identifier
    assert account["valid_until"] == "2027-01-31"
    assert data["services"] == ["Laddare"]
    assert data["agreement"]["recorded_by"] == "Bibliotek A"
    [transfer] = data["transfer_requests"]
    assert (transfer["to_library"], transfer["requested_by"]) == ("Bibliotek B", "Bibliotek A")
    kinds = {mail["kind"] for mail in data["mails"]}
    with translation.override("sv"):
        assert str(MailKind.BORROWER_CREDENTIALS.label) in kinds
    assert all("text" not in mail and "subject" not in mail for mail in data["mails"])
    assert data["expiry_reminders"] == [
        {"for_end_date": "2027-01-31", "queued": data["expiry_reminders"][0]["queued"]}
    ]
    assert len(data["failed_logins"]) == 1
    actions = [(e["action"], e["by"]) for e in data["audit_log"]]
    assert ("visad", "Bibliotek A") in actions  # who viewed, by library
    assert ("sökning", "Bibliotek B") in actions  # a search for the number (by keyed hash)


def test_the_extract_holds_the_history_of_an_account_merged_into_this_one(
    client, mtm_staff, borrower, library_a, registrar_b
):
    """One person, two accounts, joined (Slå ihop konton): the audit log cannot be
    re-pointed, so the kept account's extract follows the merge to the other's events."""
    second = BorrowerFactory(library=library_a, email="lena.andra@post.example")
    record(Action.VIEWED, actor=registrar_b, borrower=second)
    merge(keep=borrower, other=second, by=mtm_staff, sources={})

    client.force_login(mtm_staff)
    data = json.loads(client.get(extract_url(borrower), {"format": "json"}).content)

    actions = [(e["action"], e["by"]) for e in data["audit_log"]]
    assert ("visad", "Bibliotek B") in actions  # the other account's event
    assert "lena.andra@" not in json.dumps(data["account"])


def test_no_other_borrowers_data(client, mtm_staff, borrower, history):
    client.force_login(mtm_staff)
    text = client.get(extract_url(borrower), {"format": "json"}).content.decode()
    data = json.loads(text)
    assert "Bertil" not in text and "bertil@" not in text
    assert history.identifier not in text and str(history.code) not in text
    assert len(data["expiry_reminders"]) == len(data["failed_logins"]) == 1
    assert "2030-01-01" not in text


def test_staff_names_only_when_mtm_asks(client, mtm_staff, borrower, history):
    client.force_login(mtm_staff)
    page = client.get(extract_url(borrower)).content.decode()
    assert "Rita" not in page and "Sune" not in page
    named = client.get(extract_url(borrower), {"namn": "1"}).content.decode()
    assert "Bibliotek A: Rita" in named and "Bibliotek B: Sune" in named


def test_the_printable_page_shows_every_section(client, mtm_staff, borrower, history):
    client.force_login(mtm_staff)
    page = client.get(extract_url(borrower)).content.decode()
    assert "| Registerutdrag |" in page.split("</title>")[0]
    for heading in ("Konto", "Flyttförfrågningar", "Skickad e-post", "Granskningslogg"):
        assert f">{heading}" in page
    assert len(TABLES) == page.count('<div class="table-wrapper"')
    assert "lena@post.example" in page and "Laddare" in page


def test_the_admins_extract_is_audited(client, mtm_staff, borrower):
    client.force_login(mtm_staff)
    client.get(extract_url(borrower))
    client.get(extract_url(borrower), {"format": "json", "namn": "1"})
    events = AuditEvent.objects.filter(action=Action.EXTRACTED).order_by("at", "pk")
    assert [(e.actor, e.borrower_code, e.detail) for e in events] == [
        (mtm_staff, borrower.code, {"via": "admin", "file": False, "staff_names": False}),
        (mtm_staff, borrower.code, {"via": "admin", "file": True, "staff_names": True}),
    ]


def test_mtm_gets_a_protected_identitys_extract(client, mtm_staff):
    protected = BorrowerFactory(protected=True, email="skyddad@post.example")
    client.force_login(mtm_staff)
    data = client.get(extract_url(protected), {"format": "json"}).json()
    assert data["account"]["library"] is None and data["account"]["protected_identity"]


def test_the_list_action_opens_the_extract_of_one_borrower(client, mtm_staff, borrower):
    client.force_login(mtm_staff)
    url = reverse("admin:borrowers_borrower_changelist")
    one = client.post(url, {"action": "register_extract_action", "_selected_action": [borrower.pk]})
    assert one.status_code == 302 and one.url == extract_url(borrower)
    other = BorrowerFactory()
    two = client.post(
        url,
        {"action": "register_extract_action", "_selected_action": [borrower.pk, other.pk]},
        follow=True,
    )
    assert "Markera en låntagare för ett registerutdrag." in two.content.decode()


def test_the_change_form_links_to_the_extract(client, mtm_staff, borrower):
    client.force_login(mtm_staff)
    page = client.get(reverse("admin:borrowers_borrower_change", args=[borrower.pk]))
    assert extract_url(borrower) in page.content.decode()


def test_registrars_have_no_door_to_the_admins_extract(client, registrar, borrower):
    client.force_login(registrar)
    assert client.get(extract_url(borrower)).status_code in (302, 403, 404)
    assert not AuditEvent.objects.filter(action=Action.EXTRACTED).exists()


# --- Mina sidor -------------------------------------------------------------------


def test_the_borrower_gets_the_same_without_staff_names(borrower_client, borrower, history):
    data = borrower_client.get(MINA, {"format": "json"}).json()
    assert set(data) == EXTRACT_KEYS
    text = json.dumps(data, ensure_ascii=False)
    assert "Rita" not in text and "Sune" not in text and "Bertil" not in text
    assert data["account"]["identifier"] == borrower.masked_identifier
    assert ("visad", "Bibliotek A") in [(e["action"], e["by"]) for e in data["audit_log"]]
    assert len(data["transfer_requests"]) == 1


def test_hamta_mina_uppgifter_page_and_audit(borrower_client, borrower):
    page = borrower_client.get(MINA).content.decode()
    assert "<h1>Hämta mina uppgifter</h1>" in page
    assert 'aria-current="page">Hämta mina uppgifter' in page
    event = AuditEvent.objects.get(action=Action.EXTRACTED)
    assert event.borrower_code == borrower.code and event.actor is None
    assert event.detail == {"via": "mina_sidor", "file": False, "staff_names": False}


def test_hamta_mina_uppgifter_needs_a_borrower_login(client, borrower):
    response = client.get(MINA)
    assert response.status_code == 302 and "logga-in" in response.url
    assert not AuditEvent.objects.filter(action=Action.EXTRACTED).exists()


def test_mina_sidor_offers_it_in_the_menu(borrower_client):
    page = borrower_client.get(reverse("selfservice:details")).content.decode()
    assert f'href="{MINA}"' in page


def test_a_retention_deletion_is_named_in_the_log(client, mtm_staff, borrower):
    record(Action.DELETED, borrower=borrower, reason="retention_rule")
    client.force_login(mtm_staff)
    data = client.get(extract_url(borrower), {"format": "json"}).json()
    assert "borttaget enligt gallringsregel" in [e["action"] for e in data["audit_log"]]


def test_dates_are_written_yyyy_mm_dd(client, mtm_staff, borrower):
    borrower.last_login = date.today() - timedelta(days=3)
    borrower.save()
    client.force_login(mtm_staff)
    account = client.get(extract_url(borrower), {"format": "json"}).json()["account"]
    assert account["last_login_in_legimus"] == f"{borrower.last_login:%Y-%m-%d}"


def test_a_protected_identity_is_told_no_library(client, library_a, registrar):
    protected = with_password(BorrowerFactory(library=library_a, email="skyddad@post.example"))
    record(Action.VIEWED, actor=registrar, borrower=protected)
    protected.protect(by=None)
    login(client, email="skyddad@post.example", password=PASSWORD)
    text = json.dumps(client.get(MINA, {"format": "json"}).json(), ensure_ascii=False)
    assert "Bibliotek A" not in text
    assert "Bibliotekspersonal" in text


def test_a_registrars_lookup_of_the_address_is_in_the_extract(
    client, mtm_staff, borrower, registrar_b
):
    """A create form's "is this address taken?" is a search (borrowers/lookups.py):
    the person sees it in their extract, found by the address's keyed hash."""
    from audit.models import LookupDoor
    from borrowers.lookups import record_identity_lookup

    record_identity_lookup(registrar_b, email=" LENA@Post.example", door=LookupDoor.CREATE_ADULT)
    client.force_login(mtm_staff)
    data = json.loads(client.get(extract_url(borrower), {"format": "json"}).content)
    assert ("sökning", "Bibliotek B") in [(e["action"], e["by"]) for e in data["audit_log"]]
