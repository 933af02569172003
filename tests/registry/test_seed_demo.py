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
