"""A borrower's whole way: login details mail → own password → Mina sidor → another
library → refused by the login check the day after the validity ends."""

import re
from datetime import date

import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from selfservice.models import ServiceToken
from tests.factories import BorrowerFactory
from transfers.models import TransferRequest

from .conftest import call_api, login

PASSWORD = "Min alldeles egen fras"


def test_from_login_details_to_an_expired_login_check(library_a, library_b, registrar, registrar_b):
    token = ServiceToken(name="Legimus")
    plain = token.generate()
    token.save()
    with time_machine.travel("2030-05-20 10:00 +02:00", tick=False) as clock:
        borrower = BorrowerFactory(
            library=library_a,
            first_name="Erik",
            last_name="Ellström",
            email="erik@post.example",
            valid_until=date(2030, 5, 31),
        )
        borrower.send_credentials(by=registrar)
        link = re.search(r"https://register\.example(/\S+)", mail.outbox[-1].body)[1]
        assert link.startswith("/lantagare/losenord/")

        browser = Client()
        page = browser.get(link, follow=True)
        assert page.status_code == 200
        here = page.redirect_chain[-1][0]
        chosen = browser.post(here, {"new_password1": PASSWORD, "new_password2": PASSWORD})
        assert chosen.status_code == 302

        assert login(browser, email="Erik@post.example", password=PASSWORD).status_code == 302
        details = browser.get(reverse("selfservice:details")).content.decode()
        assert "Erik Ellström" in details and "2030-05-31" in details

        search = browser.get(reverse("selfservice:transfer"), {"q": "Bibliotek B"})
        assert [lib.name for lib in search.context["page"]] == ["Bibliotek B"]
        browser.post(reverse("selfservice:transfer_confirm", args=[library_b.pk]))
        transfer = TransferRequest.objects.get(borrower=borrower)
        assert transfer.is_pending and transfer.requested_by is None

        staff = Client()
        staff.force_login(registrar_b)
        incoming = staff.get(reverse("transfers:incoming")).content.decode()
        assert "Ellström" in incoming

        api = Client()
        ok = call_api(api, plain, email="erik@post.example", password=PASSWORD).json()
        assert ok["ok"] is True and ok["borrower"]["library"]["name"] == "Bibliotek A"

        clock.move_to("2030-06-01 08:00 +02:00")
        refused = call_api(api, plain, email="erik@post.example", password=PASSWORD)
        assert refused.json() == {"ok": False, "reason": "expired"}
        again = login(Client(), email="erik@post.example", password=PASSWORD)
        assert again.status_code == 200 and "2030-05-31" in again.content.decode()
