"""The demo data (`manage.py seed_demo`, portal/demo/): the README's accounts log in,
every borrower, request and account comes through its door's workflow, and a rerun
brings the demo state back without duplicating anything."""

import csv
import io
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import StaffUser
from audit.models import Action, AuditEvent
from borrowers.models import Borrower
from libraries.models import Library
from notifications.models import OutgoingMail
from portal.demo.staff import DEMO_PASSWORD
from transfers.models import Status, TransferRequest

DATA = Path(__file__).parents[1] / "data"

README_ACCOUNTS = [
    "registrerare@stadsbibliotek.example",
    "huvudadmin@stadsbibliotek.example",
    "formedlare@stadsbibliotek.example",
    "registrerare@sundbyberg.example",
    "mtm@mtm.example",
]


def seed_twice():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)


def test_seed_demo_is_idempotent_and_the_demo_accounts_log_in(client, db):
    call_command("seed_demo", verbosity=0)
    counts = Library.objects.count(), StaffUser.objects.count(), Borrower.objects.count()
    events = AuditEvent.objects.count()
    call_command("seed_demo", verbosity=0)
    assert (Library.objects.count(), StaffUser.objects.count(), Borrower.objects.count()) == (
        counts
    )
    assert AuditEvent.objects.count() == events  # nothing had changed: nothing to record

    stadsbibliotek = Library.objects.get(name="MTM:s stadsbibliotek")
    assert stadsbibliotek.branches.exists()
    assert stadsbibliotek.municipality.name == "Stockholm"
    for email in README_ACCOUNTS:
        response = client.post(
            reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        client.logout()
    assert StaffUser.objects.get(email="mtm@mtm.example").is_superuser


def test_a_rerun_brings_the_demo_accounts_back(client, db):
    call_command("seed_demo", verbosity=0)
    registrar = StaffUser.objects.get(email="registrerare@stadsbibliotek.example")
    registrar.set_password("Something-else-2026")
    registrar.save()
    registrar.deactivate()
    call_command("seed_demo", verbosity=0)
    response = client.post(
        reverse("accounts:login"), {"username": registrar.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_the_demo_registrations_give_statistik_months_to_show(client, db):
    """A newcomer's `make run` opens Statistik on a registry with a history: each demo
    borrower has one registration event, dated as the borrower, also after a rerun."""
    seed_twice()
    created = AuditEvent.objects.filter(action=Action.CREATED)
    borrowers = Borrower.objects.all()
    assert created.count() == borrowers.count()
    for borrower in borrowers:
        assert created.get(borrower_code=borrower.code).at == borrower.created_at

    client.force_login(StaffUser.objects.get(email="registrerare@stadsbibliotek.example"))
    response = client.get(reverse("stats:library_csv", args=["per-manad"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    registered = rows[0].index("Nya registreringar")
    months_with_registrations = [row for row in rows[1:] if int(row[registered]) > 0]
    assert len(months_with_registrations) >= 6


def test_the_demo_borrowers_are_registered_by_their_librarys_registrar(db):
    call_command("seed_demo", verbosity=0)
    rita = StaffUser.objects.get(email="registrerare@stadsbibliotek.example")
    sune = StaffUser.objects.get(email="registrerare@sundbyberg.example")
    mtm = StaffUser.objects.get(email="mtm@mtm.example")
    created = {e.borrower_code: e for e in AuditEvent.objects.filter(action=Action.CREATED)}

    astrid = Borrower.objects.get(first_name="Astrid", last_name="Alm")
    assert astrid.created_by == astrid.agreement_accepted_by == rita
    assert created[astrid.code].actor == rita
    kista = Borrower.objects.get(first_name="Greta")  # at a branch: the main library's
    assert kista.created_by == rita
    johan = Borrower.objects.get(first_name="Johan")
    assert johan.created_by == sune and created[johan.code].actor == sune
    leila = Borrower.objects.get(first_name="Leila")  # Göteborg has no demo registrar
    assert leila.created_by == mtm and created[leila.code].detail == {"via": "admin"}
    protected = Borrower.objects.get(protected_identity=True)
    # The workflow keeps no registrar on a protected account; the audit log names them.
    assert protected.created_by is None and created[protected.code].actor == rita
    # The login details box was left unticked: no mail, no link, no password yet.
    assert not Borrower.objects.filter(credentials_sent_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action=Action.CREDENTIALS_SENT).exists()


def test_demo_borrowers_cover_every_kind(db):
    seed_twice()
    today = timezone.localdate()
    borrowers = Borrower.objects.all()
    assert borrowers.count() == 32
    assert borrowers.adults(today).filter(id_kind="personnummer").exists()
    assert borrowers.minors(today).filter(id_kind="personnummer").exists()
    assert borrowers.filter(id_kind="samordningsnummer").exists()
    assert borrowers.lma_adults().exists() and borrowers.lma_minors().exists()
    assert borrowers.expired(today).exists()
    assert borrowers.expiring_within(14, today).exists()
    assert borrowers.filter(library__parent__isnull=False).exists()
    protected = borrowers.get(protected_identity=True)
    assert protected.library is None and protected.first_name == ""
    assert list(protected.services.values_list("name", flat=True)) == ["Laddare"]
    for borrower in borrowers.filter(id_kind="samordningsnummer"):
        assert borrower.valid_until <= today + timedelta(days=366)
    elif_ = borrowers.get(first_name="Elif")
    assert elif_.registered_as_minor and elif_.guardian_name == "Vera Vårdnadshavare"


def test_demo_uses_only_skatteverkets_reserved_numbers(db):
    reserved = set()
    for name in ("testpersonnummer.txt", "testsamordningsnummer.txt"):
        reserved |= set((DATA / name).read_text().split())
    call_command("seed_demo", verbosity=0)
    for kind, identifier in Borrower.objects.values_list("id_kind", "identifier"):
        if kind == "lma":
            assert identifier.startswith("990000"), identifier
        else:
            assert identifier in reserved, identifier


def test_seed_demo_runs_with_the_transfers(db, settings):
    """One pending request into each demo main library, asked by a registrar of the
    borrower's library, with its audit event; no demo mail is left in the queue, nor
    a delivery task for the worker (as `make run` has it)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    seed_twice()
    pending = TransferRequest.objects.pending().select_related("borrower", "requested_by")
    into = {request.to_library.name: request for request in pending}
    # The region's library has no demo staff or borrowers: nobody asks to move there.
    mains = Library.objects.filter(parent__isnull=True).exclude(municipality=None)
    assert sorted(into) == sorted(mains.values_list("name", flat=True))
    assert TransferRequest.objects.count() == mains.count()  # a rerun asks nothing again

    johan = into["MTM:s stadsbibliotek"]
    assert johan.borrower.first_name == "Johan"
    assert johan.from_library.name == "Sundbybergs bibliotek"
    assert johan.requested_by.email == "registrerare@sundbyberg.example"
    astrid = into["Sundbybergs bibliotek"]
    assert astrid.borrower.first_name == "Astrid"
    assert astrid.requested_by.email == "registrerare@stadsbibliotek.example"
    for request in pending:
        assert request.borrower.library == request.from_library != request.to_library
    requested = AuditEvent.objects.filter(action=Action.TRANSFER_REQUESTED)
    assert requested.count() == mains.count()
    assert not OutgoingMail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_rerun_brings_the_demo_state_back_through_the_workflows(db):
    call_command("seed_demo", verbosity=0)
    rita = StaffUser.objects.get(email="registrerare@stadsbibliotek.example")
    request = TransferRequest.objects.pending().get(to_library__name="MTM:s stadsbibliotek")
    assert request.accept(by=rita)
    bengt = Borrower.objects.get(first_name="Bengt")
    bengt.update_details(by=rita, last_name="Berg", valid_until=None)
    nadia = Borrower.objects.get(first_name="Nadia")
    nadia.delete_account(by=rita)
    OutgoingMail.objects.all().delete()  # the acceptance's mail, as if delivered

    call_command("seed_demo", verbosity=0)

    johan = Borrower.objects.get(first_name="Johan")
    assert johan.library.name == "Sundbybergs bibliotek"  # moved back by MTM
    assert TransferRequest.objects.filter(borrower=johan, pulled=True).exists()
    again = TransferRequest.objects.pending().get(to_library__name="MTM:s stadsbibliotek")
    assert again.borrower == johan and again.status == Status.PENDING
    bengt.refresh_from_db()
    assert bengt.last_name == "Björk"
    reset = AuditEvent.objects.filter(action=Action.UPDATED, borrower_code=bengt.code)
    assert reset.last().fields == ["last_name"]
    assert Borrower.objects.filter(first_name="Nadia").exists()  # registered again
    assert not OutgoingMail.objects.exists()


def test_every_demo_library_has_a_sigel_and_the_region_has_no_municipality(db):
    call_command("seed_demo", verbosity=0)
    assert not Library.objects.filter(sigel="").exists()
    region = Library.objects.get(name="Sjukhusbiblioteken i Jämtlands län")
    assert region.municipality is None and region.county.name == "Jämtlands län"
