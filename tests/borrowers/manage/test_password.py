"""Byt lösenord: at least 6 characters, twice, not common, not like the borrower; no mail."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import Action, AuditEvent
from notifications.models import OutgoingMail


def post(client, borrower, first, second=None):
    return client.post(
        reverse("borrowers:password", args=[borrower.code]),
        {"new_password1": first, "new_password2": first if second is None else second},
    )


def test_the_page_reminds_the_registrar_to_tell_the_borrower(registrar_client, borrower_a):
    html = registrar_client.get(
        reverse("borrowers:password", args=[borrower_a.code])
    ).content.decode()
    assert "meddela låntagaren det nya lösenordet" in html
    for text in [">Nytt lösenord", ">Upprepa nytt lösenord", ">Spara<"]:
        assert text in html
    assert 'autocomplete="new-password"' in html


def test_a_new_password_is_saved_hashed_and_audited_and_no_mail_is_sent(
    registrar_client, registrar, borrower_a, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    response = post(registrar_client, borrower_a, "Blåbärssylt9")
    assert response.status_code == 302
    assert response.url == reverse("borrowers:detail", args=[borrower_a.code])
    borrower_a.refresh_from_db()
    assert borrower_a.password.startswith("argon2$")
    assert borrower_a.check_password("Blåbärssylt9")
    event = AuditEvent.objects.get(action=Action.PASSWORD_SET)
    assert (event.actor, event.borrower_code) == (registrar, borrower_a.code)
    assert "Blåbär" not in str(event.detail)
    assert mail.outbox == [] and not OutgoingMail.objects.exists()
    page = registrar_client.get(response.url).content.decode()
    assert "kom ihåg att meddela låntagaren det nya lösenordet" in page


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("kort5", None, "Lösenordet är för kort: det måste ha minst 6 tecken."),
        ("password", None, "Lösenordet är för vanligt"),
        ("Andersson", None, "liknar låntagarens namn eller e-postadress"),
        ("Blåbärssylt9", "Blåbärssylt8", "De två lösenorden är inte lika"),
        ("", "", "Skriv ett lösenord."),
    ],
)
def test_weak_or_mismatched_passwords_are_refused(
    registrar_client, borrower_a, first, second, message
):
    response = post(registrar_client, borrower_a, first, second)
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Fel: " in html
    assert message in html
    borrower_a.refresh_from_db()
    assert not borrower_a.has_usable_password()
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_SET).exists()


def test_six_characters_are_enough(registrar_client, borrower_a):
    assert post(registrar_client, borrower_a, "xq7#vz").status_code == 302


def test_the_password_is_never_echoed_back(registrar_client, borrower_a):
    html = post(registrar_client, borrower_a, "Blåbärssylt9", "annat-lösen").content.decode()
    assert "Blåbärssylt9" not in html and "annat-lösen" not in html
