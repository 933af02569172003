"""Mina uppgifter and Byt lösenord."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from borrowers.models import Service
from tests.factories import BorrowerFactory

from .conftest import PASSWORD, login, with_password

DETAILS = reverse("selfservice:details")
CHANGE = reverse("selfservice:change_password")
NEW = "Höstlöv i parken"


def test_details_show_the_borrower_with_the_identifier_masked(borrower_client, borrower):
    borrower.services.set(Service.objects.filter(name__in=["Laddare", "Strömmare"]))
    html = borrower_client.get(DETAILS).content.decode()
    assert "Lena Läsare" in html and "lena@post.example" in html
    assert f"{borrower.identifier[:8]}-****" in html
    assert borrower.identifier not in html and borrower.display_identifier not in html
    assert "Bibliotek A" in html
    assert "Tills vidare" in html
    assert "Laddare, Strömmare" in html


def test_details_show_the_validity_date_and_only_published_services(borrower_client, borrower):
    borrower.valid_until = date(2031, 12, 31)
    borrower.save()
    hidden = Service.objects.create(name="Gammal grupp", published=False)
    borrower.services.set([hidden, Service.objects.get(name="Laddare")])
    html = borrower_client.get(DETAILS).content.decode()
    assert "2031-12-31" in html
    assert "Gammal grupp" not in html and "Laddare" in html


def test_lma_number_is_masked(client, library_a):
    lma = with_password(BorrowerFactory(lma=True, library=library_a, email="lma@post.example"))
    login(client, email="lma@post.example")
    html = client.get(DETAILS).content.decode()
    assert "LMA-nummer" in html
    assert lma.identity.masked() in html
    assert lma.display_identifier not in html


def test_navigation_is_the_borrowers_own(borrower_client):
    html = borrower_client.get(DETAILS).content.decode()
    assert 'aria-label="Mina sidor"' in html
    for text in ("Mina uppgifter", "Byt lösenord", "Byt bibliotek", "Logga ut"):
        assert f">{text}<" in html
    assert "Mitt bibliotek" not in html
    assert reverse("accounts:logout") not in html


def test_protected_identity_sees_nothing_geographic(client, protected_borrower, library_a):
    login(client, email=protected_borrower.email)
    html = client.get(DETAILS).content.decode()
    assert "Bibliotek A" not in html
    assert "Bibliotek<" not in html  # no library row at all
    assert "MTM" in html
    assert ">Byt bibliotek<" not in html
    transfer = client.get(reverse("selfservice:transfer")).content.decode()
    assert "Kontakta MTM" in transfer and 'name="q"' not in transfer
    confirm = client.post(reverse("selfservice:transfer_confirm", args=[library_a.pk]))
    assert confirm.status_code == 302
    assert not protected_borrower.transfer_requests.exists()


# -- Byt lösenord ---------------------------------------------------------------------


def change(client, current=PASSWORD, new=NEW, repeat=None):
    return client.post(
        CHANGE,
        {"current_password": current, "new_password1": new, "new_password2": repeat or new},
    )


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_change_password_needs_the_current_password(borrower_client, borrower):
    response = change(borrower_client, current="fel")
    assert field_errors(response, "current_password") == ["Det nuvarande lösenordet är fel."]
    borrower.refresh_from_db()
    assert borrower.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new", "repeat", "message"),
    [
        ("kort", None, "minst 6 tecken"),
        ("password", None, "för vanligt"),
        ("Höstlöv i parken", "Höstlöv i parke", "inte likadana"),
    ],
)
def test_change_password_rules(borrower_client, new, repeat, message):
    response = change(borrower_client, new=new, repeat=repeat)
    assert response.status_code == 200
    errors = " ".join(
        field_errors(response, "new_password1") + field_errors(response, "new_password2")
    )
    assert message in errors
    assert response.content.decode().count("Fel:") >= 1  # the title says so


def test_changing_the_password_keeps_this_session_and_ends_the_others(borrower, borrower_client):
    other = Client()
    login(other)
    assert other.get(DETAILS).status_code == 200

    response = change(borrower_client)
    assert response.status_code == 302 and response.url == DETAILS
    assert borrower_client.get(DETAILS).status_code == 200
    assert other.get(DETAILS).status_code == 302

    borrower.refresh_from_db()
    assert borrower.check_password(NEW)
    event = AuditEvent.objects.get(action=Action.PASSWORD_SET)
    assert event.borrower_code == borrower.code and event.detail == {"via": "mina_sidor"}
    assert NEW not in str(event.detail)


def test_a_registrar_setting_a_password_ends_the_borrowers_sessions(borrower, borrower_client):
    borrower.set_password_by_registrar("Nytt från biblioteket", by=None)
    assert borrower_client.get(DETAILS).status_code == 302
