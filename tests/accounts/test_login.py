from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import TEST_PASSWORD

LOGIN = reverse("accounts:login")


def login(client, email, password=TEST_PASSWORD, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_login_page_uses_the_handbooks_words(client, db):
    html = client.get(LOGIN).content.decode()
    assert '<label class="form-label fw-semibold" for="id_username">E-post</label>' in html
    assert 'for="id_password">Lösenord</label>' in html
    assert ">Logga in</button>" in html
    assert ">Glömt lösenord</a>" in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html


def test_registrar_logs_in_with_email_in_any_case_and_lands_on_start_page(client, registrar):
    response = login(client, "RITA@A.example")
    assert response.status_code == 302
    assert response.url == reverse("portal:start")
    assert int(client.session[SESSION_KEY]) == registrar.pk


def test_wrong_password_and_unknown_email_get_the_same_answer(client, registrar):
    wrong = login(client, registrar.email, "fel-lösenord")
    unknown = login(client, "ingen@a.example", "fel-lösenord")
    assert wrong.status_code == unknown.status_code == 200
    message = "E-postadressen eller lösenordet är fel."
    assert message in wrong.content.decode() and message in unknown.content.decode()


def test_deactivated_account_cannot_log_in(client, registrar):
    registrar.is_active = False
    registrar.save()
    assert login(client, registrar.email).status_code == 200
    assert SESSION_KEY not in client.session


def test_login_rotates_the_session_key(client, registrar):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    login(client, registrar.email)
    assert client.session.session_key != before


@pytest.fixture
def lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def test_repeated_failures_lock_the_account_from_that_address_only(
    client, registrar, head_admin, lockout_settings
):
    for _ in range(3):
        login(client, registrar.email, "fel")
    locked = login(client, registrar.email)
    assert locked.status_code == 429
    assert "För många misslyckade inloggningsförsök" in locked.content.decode()
    # A colleague behind the library's shared address is not locked out…
    assert login(client, head_admin.email).status_code == 302
    client.logout()
    # …nor is the same account from another address.
    assert login(client, registrar.email, ip="10.0.0.2").status_code == 302


def test_lockout_lifts_by_itself_after_the_cool_off(client, registrar, lockout_settings):
    with time_machine.travel("2026-11-28 09:00 +01:00", tick=False):
        for _ in range(3):
            login(client, registrar.email, "fel")
        assert login(client, registrar.email).status_code == 429
    with time_machine.travel("2026-11-28 09:16 +01:00", tick=False):
        assert login(client, registrar.email).status_code == 302


def test_mediator_is_told_they_have_no_registrar_rights(client, mediator):
    client.force_login(mediator)
    response = client.get(reverse("portal:start"))
    assert response.status_code == 403
    assert "Du har inga registrerarrättigheter" in response.content.decode()
    assert client.get(reverse("libraries:my_library")).status_code == 403


def test_mtm_staff_are_sent_to_the_admin(client, mtm_staff):
    client.force_login(mtm_staff)
    response = client.get(reverse("portal:start"))
    assert response.status_code == 403
    assert reverse("admin:index") in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse("libraries:my_library"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_logout_is_post_only_and_clears_the_browser(registrar_client):
    assert registrar_client.get(reverse("accounts:logout")).status_code == 405
    response = registrar_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "cookies" in response["Clear-Site-Data"]
    assert SESSION_KEY not in registrar_client.session


def test_session_ends_after_the_idle_timeout(registrar_client, settings):
    assert registrar_client.get(reverse("portal:start")).status_code == 200
    session = registrar_client.session
    session.set_expiry(-1)  # as if the idle time had run out
    session.save()
    assert registrar_client.get(reverse("portal:start")).status_code == 302


def test_session_ends_after_the_absolute_limit_however_active(registrar_client, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 60
    with time_machine.travel("2026-11-28 09:00 +01:00", tick=False):
        assert registrar_client.get(reverse("portal:start")).status_code == 200
    with time_machine.travel("2026-11-28 09:02 +01:00", tick=False):
        response = registrar_client.get(reverse("portal:start"))
    assert response.status_code == 302 and response.url == LOGIN


def test_passwords_are_hashed_with_argon2(registrar, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    registrar.set_password("ett-nytt-långt-lösenord")
    assert registrar.password.startswith("argon2$argon2id$")
