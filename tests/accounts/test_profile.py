from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD, StaffFactory

PROFILE = reverse("accounts:profile")
NEW_PASSWORD = "ett-nytt-och-långt-lösenord"


def change_password(client, old=TEST_PASSWORD, new=NEW_PASSWORD, repeat=None):
    return client.post(
        PROFILE,
        {
            "change_password": "",
            "password-old_password": old,
            "password-new_password1": new,
            "password-new_password2": repeat or new,
        },
    )


def test_profile_shows_own_details_and_library(registrar_client, registrar):
    html = registrar_client.get(PROFILE).content.decode()
    assert "<h1>Mina uppgifter</h1>" in html
    assert "<title>Mina uppgifter – MTM:s användarregister</title>" in html
    assert registrar.email in html and registrar.library.name in html


def test_password_change_needs_the_current_password(registrar_client, registrar):
    response = change_password(registrar_client, old="fel")
    assert "Det nuvarande lösenordet är fel." in response.content.decode()
    assert response.content.decode().count('id="error-summary"') == 1
    registrar.refresh_from_db()
    assert registrar.check_password(TEST_PASSWORD)


def test_password_change_keeps_this_session_and_ends_the_others(registrar, registrar_client):
    other_device = Client()
    other_device.force_login(registrar)
    assert change_password(registrar_client).status_code == 302
    registrar.refresh_from_db()
    assert registrar.check_password(NEW_PASSWORD)
    assert registrar_client.get(reverse("portal:start")).status_code == 200
    assert other_device.get(reverse("portal:start")).status_code == 302


def test_email_change_needs_the_password(registrar_client, registrar):
    response = registrar_client.post(
        PROFILE, {"change_email": "", "email-email": "ny@a.example", "email-password": "fel"}
    )
    assert response.status_code == 200
    registrar.refresh_from_db()
    assert registrar.email == "rita@a.example"

    response = registrar_client.post(
        PROFILE,
        {"change_email": "", "email-email": "ny@a.example", "email-password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    registrar.refresh_from_db()
    assert registrar.email == "ny@a.example"
    assert int(registrar_client.session[SESSION_KEY]) == registrar.pk


def test_email_already_used_by_another_account_is_refused_whatever_the_case(
    registrar_client, registrar, library_b
):
    StaffFactory(email="upptagen@b.example", library=library_b)
    response = registrar_client.post(
        PROFILE,
        {"change_email": "", "email-email": "UPPTAGEN@b.example", "email-password": TEST_PASSWORD},
    )
    assert "Ett annat konto har redan den här e-postadressen." in response.content.decode()
    registrar.refresh_from_db()
    assert registrar.email == "rita@a.example"
