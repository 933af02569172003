"""The borrower page: every detail, the full identifier, the menu, and a VIEWED audit event."""

from datetime import date, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from tests.factories import BorrowerFactory

TODAY = date(2026, 3, 27)


def page(client, borrower):
    response = client.get(reverse("borrowers:detail", args=[borrower.code]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_full_identifier_and_details(registrar_client, borrower_a, services):
    borrower_a.services.set([services["Laddare"], services["Strömmare"]])
    html = page(registrar_client, borrower_a)
    assert "<h1>Låntagare: Anna Andersson</h1>" in html
    assert borrower_a.display_identifier in html  # ÅÅÅÅMMDD-NNNN
    for text in [borrower_a.email, borrower_a.library.name, "Tills vidare", "Laddare, Strömmare"]:
        assert text in html
    assert "Vuxen, personnummer" in html
    assert "Inget lösenord ännu" in html


def test_the_page_has_the_borrower_menu(registrar_client, borrower_a):
    html = page(registrar_client, borrower_a)
    nav = html[html.index('aria-label="Låntagarmeny"') :]
    assert f'href="{reverse("borrowers:edit", args=[borrower_a.code])}">Redigera låntagare<' in nav
    assert f'href="{reverse("borrowers:password", args=[borrower_a.code])}">Byt lösenord<' in nav


def test_the_page_offers_to_send_login_details_by_post(registrar_client, borrower_a):
    html = page(registrar_client, borrower_a)
    url = reverse("borrowers:send_credentials", args=[borrower_a.code])
    assert f'<form method="post" action="{url}"' in html
    # Never sent: "igen" (again) would be untrue.
    assert "Skicka inloggningsuppgifter</button>" in html
    assert "Skicka inloggningsuppgifter igen" not in html


def test_after_a_first_mail_the_button_says_again(registrar_client, borrower_a):
    borrower_a.credentials_sent_at = timezone.now()
    borrower_a.save()
    html = page(registrar_client, borrower_a)
    assert "Skicka inloggningsuppgifter igen</button>" in html


@time_machine.travel(TODAY, tick=False)
def test_an_expired_lma_minor_shows_status_kind_and_guardian(registrar_client, library_a):
    borrower = BorrowerFactory(
        library=library_a,
        lma=True,
        registered_as_minor=True,
        valid_until=TODAY - timedelta(days=2),
        guardian_birth_date=date(1980, 5, 17),
        guardian_name="Gun Vårdare",
    )
    borrower.set_password("hemligt-lösen")
    borrower.save()
    html = page(registrar_client, borrower)
    assert borrower.display_identifier in html and "LMA-nummer" in html
    assert "LMA-kortets giltighetstid" in html and "2026-03-25" in html and "Utgånget" in html
    assert "Under 18 år" in html
    assert "1980-05-17" in html and "Gun Vårdare" in html
    assert "Har ett lösenord" in html


def test_a_samordningsnummer_is_named_as_such(registrar_client, samordningsnummer_borrower):
    assert "Vuxen, samordningsnummer" in page(registrar_client, samordningsnummer_borrower)


def test_every_view_of_the_page_is_audited(registrar_client, registrar, borrower_a):
    page(registrar_client, borrower_a)
    page(registrar_client, borrower_a)
    events = AuditEvent.objects.filter(action=Action.VIEWED)
    assert events.count() == 2
    event = events.first()
    assert (event.actor, event.borrower_code, event.library) == (
        registrar,
        borrower_a.code,
        borrower_a.library,
    )


def test_the_page_is_not_cached(registrar_client, borrower_a):
    response = registrar_client.get(reverse("borrowers:detail", args=[borrower_a.code]))
    assert "no-store" in response.headers["Cache-Control"]
