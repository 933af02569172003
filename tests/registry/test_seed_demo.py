from django.core.management import call_command
from django.urls import reverse

from accounts.models import StaffUser
from libraries.demo import DEMO_PASSWORD
from libraries.models import Library


def test_seed_demo_is_idempotent_and_the_demo_accounts_log_in(client, db):
    call_command("seed_demo", verbosity=0)
    counts = Library.objects.count(), StaffUser.objects.count()
    call_command("seed_demo", verbosity=0)
    assert (Library.objects.count(), StaffUser.objects.count()) == counts

    stadsbibliotek = Library.objects.get(name="MTM:s stadsbibliotek")
    assert stadsbibliotek.branches.exists()
    assert stadsbibliotek.municipality.name == "Stockholm"
    for email in [
        "registrerare@stadsbibliotek.example",
        "huvudadmin@stadsbibliotek.example",
        "formedlare@stadsbibliotek.example",
        "registrerare@sundbyberg.example",
        "mtm@mtm.example",
    ]:
        response = client.post(
            reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        client.logout()
    assert StaffUser.objects.get(email="mtm@mtm.example").is_superuser


def test_the_demo_registrations_give_statistik_months_to_show(client, db):
    """A newcomer's `make run` opens Statistik on a registry with a history: each demo
    borrower has one registration event, dated as the borrower, also after a rerun."""
    import csv
    import io

    from audit.models import Action, AuditEvent
    from borrowers.models import Borrower

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
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


def test_every_demo_library_has_a_sigel_and_the_region_has_no_municipality(db):
    call_command("seed_demo", verbosity=0)
    assert not Library.objects.filter(sigel="").exists()
    region = Library.objects.get(name="Sjukhusbiblioteken i Jämtlands län")
    assert region.municipality is None and region.county.name == "Jämtlands län"
