"""Logging in to Mina sidor: who gets in, what the refusals say, throttling, sessions."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from audit.models import Action, AuditEvent
from tests.factories import TEST_PASSWORD, BorrowerFactory

from .conftest import LOGIN, PASSWORD, login, with_password

DETAILS = reverse("selfservice:details")
WRONG = "E-postadressen eller lösenordet är fel."


def error_text(response) -> str:
    return response.context["form"].non_field_errors()[0]


def test_login_page_has_the_words_and_autocomplete(client, db):
    html = client.get(LOGIN).content.decode()
    assert 'for="id_email">E-post</label>' in html
    assert 'for="id_password">Lösenord</label>' in html
    assert ">Logga in</button>" in html
    assert ">Glömt lösenord</a>" in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html


def test_borrower_logs_in_with_email_in_any_case(client, borrower):
    response = login(client, "LENA@Post.Example")
    assert response.status_code == 302
    assert response.url == DETAILS
    assert client.session["borrower_code"] == str(borrower.code)
    assert client.get(DETAILS).status_code == 200


def test_login_is_audited_and_is_not_a_login_in_legimus(client, borrower):
    login(client)
    event = AuditEvent.objects.get(action=Action.LOGGED_IN)
    assert event.borrower_code == borrower.code
    assert event.actor is None
    assert event.library == borrower.library
    borrower.refresh_from_db()
    assert borrower.last_login is None  # Senast inloggad i Legimus: the login check API


def test_wrong_password_and_unknown_email_get_the_same_answer(client, borrower):
    wrong = login(client, password="fel-lösenord")
    unknown = login(client, email="ingen@post.example", password="fel-lösenord")
    assert wrong.status_code == unknown.status_code == 200
    assert error_text(wrong) == error_text(unknown)
    assert WRONG in error_text(wrong)
    assert "borrower_code" not in client.session


def test_account_without_password_gets_the_wrong_password_message_with_the_reset_hint(
    client, library_a
):
    BorrowerFactory(library=library_a, email="ny@post.example")  # no usable password yet
    response = login(client, email="ny@post.example", password="vad som helst")
    unknown = login(client, email="ingen@post.example", password="vad som helst")
    assert error_text(response) == error_text(unknown)
    assert WRONG in error_text(response) and "Glömt lösenord" in error_text(response)
    assert "borrower_code" not in client.session


def test_expired_account_is_refused_with_the_library_to_contact(client, borrower):
    with time_machine.travel(date(2030, 6, 1), tick=False):
        borrower.valid_until = date(2030, 5, 31)
        borrower.save()
        response = login(client)
    assert response.status_code == 200
    message = error_text(response)
    assert "2030-05-31" in message and "Bibliotek A" in message
    assert "kontakta ditt bibliotek" in message.lower()
    assert "borrower_code" not in client.session


def test_last_valid_day_still_logs_in(client, borrower):
    with time_machine.travel(date(2030, 5, 31), tick=False):
        borrower.valid_until = date(2030, 5, 31)
        borrower.save()
        assert login(client).status_code == 302


def test_expired_is_only_told_to_someone_with_the_right_password(client, borrower):
    borrower.valid_until = date(2020, 1, 1)
    borrower.save()
    response = login(client, password="fel-lösenord")
    assert WRONG in error_text(response)
    assert "2020-01-01" not in response.content.decode()


def test_expired_protected_identity_is_told_to_contact_mtm(client, protected_borrower):
    protected_borrower.valid_until = date(2020, 1, 1)
    protected_borrower.save()
    message = error_text(login(client, email=protected_borrower.email))
    assert "MTM" in message and "kontakta ditt bibliotek" not in message.lower()


def test_login_rotates_the_session_key(client, borrower):
    client.get(LOGIN)
    session = client.session
    session["something"] = "before"
    session.save()
    before = session.session_key
    login(client)
    assert client.session.session_key != before


# -- Throttling ---------------------------------------------------------------------


def test_repeated_failures_lock_the_account_from_that_address(client, borrower, library_a):
    colleague = with_password(BorrowerFactory(library=library_a, email="kollega@post.example"))
    for _ in range(2):
        assert login(client, password="fel").status_code == 200
    third = login(client, password="fel")
    assert third.status_code == 429
    html = third.content.decode()
    assert "För många misslyckade inloggningsförsök" in html and "15 minuter" in html
    assert reverse("selfservice:forgot_password") in html
    # Locked even with the right password…
    assert login(client).status_code == 429
    # …but not someone else behind the same address, nor the account from elsewhere.
    assert login(client, email=colleague.email).status_code == 302
    assert login(client, ip="10.0.0.2").status_code == 302


def test_the_borrower_is_told_the_cool_off_that_is_set(client, borrower, settings):
    settings.AXES_COOLOFF_TIME = timedelta(hours=1)
    for _ in range(3):
        locked = login(client, password="fel")
    assert locked.status_code == 429
    assert "60 minuter" in locked.content.decode()


def test_unknown_addresses_are_throttled_alike(client, db):
    for _ in range(2):
        login(client, email="ingen@post.example", password="fel")
    assert login(client, email="ingen@post.example", password="fel").status_code == 429


def test_lockout_lifts_by_itself_after_the_cool_off(client, borrower):
    with time_machine.travel("2030-03-01 09:00 +01:00", tick=False) as clock:
        for _ in range(3):
            login(client, password="fel")
        assert login(client).status_code == 429
        clock.shift(timedelta(minutes=14))
        assert login(client).status_code == 429
        clock.shift(timedelta(minutes=2))
        assert login(client).status_code == 302


def test_failures_while_locked_do_not_prolong_the_lock(client, borrower):
    with time_machine.travel("2030-03-01 09:00 +01:00", tick=False) as clock:
        for _ in range(3):
            login(client, password="fel")
        clock.shift(timedelta(minutes=10))
        for _ in range(5):
            assert login(client, password="fel").status_code == 429
        clock.shift(timedelta(minutes=6))
        assert login(client).status_code == 302


def test_a_successful_login_resets_the_failures(client, borrower):
    for _ in range(2):
        login(client, password="fel")
    assert login(client).status_code == 302
    client.post(reverse("selfservice:logout"))
    for _ in range(2):
        assert login(client, password="fel").status_code == 200


# -- Sessions ------------------------------------------------------------------------


def test_pages_need_a_borrower_login(client, db):
    for name in ("details", "change_password", "transfer"):
        response = client.get(reverse(f"selfservice:{name}"))
        assert response.status_code == 302
        assert response.url.split("?")[0] == LOGIN


def test_a_staff_session_gives_no_access_to_mina_sidor(client, registrar):
    client.force_login(registrar)
    response = client.get(DETAILS)
    assert response.status_code == 302 and response.url == LOGIN


def test_a_borrower_session_gives_no_access_to_staff_pages(borrower_client):
    response = borrower_client.get(reverse("portal:start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert borrower_client.get(reverse("accounts:profile")).status_code == 302


def test_borrower_login_ends_a_staff_login_in_the_same_browser(client, registrar, borrower):
    client.force_login(registrar)
    login(client)
    assert SESSION_KEY not in client.session
    assert client.get(DETAILS).status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_staff_login_ends_a_borrower_login_in_the_same_browser(borrower_client, registrar):
    borrower_client.post(
        reverse("accounts:login"), {"username": registrar.email, "password": TEST_PASSWORD}
    )
    assert int(borrower_client.session[SESSION_KEY]) == registrar.pk
    assert "borrower_code" not in borrower_client.session
    assert borrower_client.get(DETAILS).status_code == 302


def test_a_session_carrying_both_logins_is_no_borrower_session(borrower_client, registrar):
    # Django's login() keeps other session data; should a staff login ever land in a
    # borrower session without the signal, Mina sidor still refuses it.
    session = borrower_client.session
    session[SESSION_KEY] = str(registrar.pk)
    session["_auth_user_backend"] = "accounts.backends.StaffBackend"
    session["_auth_user_hash"] = registrar.get_session_auth_hash()
    session.save()
    assert borrower_client.get(DETAILS).status_code == 302


def test_idle_session_ends(client, borrower, settings):
    with time_machine.travel("2030-03-01 09:00 +01:00", tick=False) as clock:
        login(client)
        clock.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        assert client.get(DETAILS).status_code == 200
        clock.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        response = client.get(DETAILS, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN


def test_mina_sidor_checks_idleness_itself_too(borrower_client, settings):
    # Whatever the session backend does, the borrower's own last-seen time counts.
    session = borrower_client.session
    session["borrower_seen"] -= settings.SESSION_COOKIE_AGE + 1
    session.save()
    response = borrower_client.get(DETAILS, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "inte har varit aktiv" in response.content.decode()


def test_session_ends_after_the_absolute_lifetime_however_active(client, borrower, settings):
    step = timedelta(seconds=settings.SESSION_COOKIE_AGE // 2)
    with time_machine.travel("2030-03-01 09:00 +01:00", tick=False) as clock:
        login(client)
        elapsed = timedelta()
        while elapsed <= timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS) - step:
            clock.shift(step)
            elapsed += step
            assert client.get(DETAILS).status_code == 200
        clock.shift(step)
        assert client.get(DETAILS).status_code == 302


def test_validity_ending_during_a_session_logs_the_borrower_out(client, borrower):
    with time_machine.travel("2030-05-31 23:50 +02:00", tick=False) as clock:
        borrower.valid_until = date(2030, 5, 31)
        borrower.save()
        login(client)
        clock.shift(timedelta(minutes=15))
        response = client.get(DETAILS, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "2030-05-31" in response.content.decode()


def test_logout_is_post_only_and_ends_the_session(borrower_client):
    assert borrower_client.get(reverse("selfservice:logout")).status_code == 405
    response = borrower_client.post(reverse("selfservice:logout"))
    assert response.status_code == 302 and response.url == LOGIN
    assert "cookies" in response["Clear-Site-Data"]
    assert borrower_client.get(DETAILS).status_code == 302


@pytest.mark.parametrize(
    "name", ["login", "details", "change_password", "transfer", "forgot_password"]
)
def test_pages_are_never_cached(borrower_client, name):
    response = borrower_client.get(reverse(f"selfservice:{name}"))
    assert "no-store" in response["Cache-Control"]


def test_a_logged_in_borrower_visiting_the_login_page_goes_to_their_details(borrower_client):
    response = borrower_client.get(LOGIN)
    assert response.status_code == 302 and response.url == DETAILS


def test_password_is_the_argon2_hash_in_production(settings, borrower):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    from django.test import Client

    assert login(Client()).status_code == 302
    borrower.refresh_from_db()
    assert borrower.password.startswith("argon2$argon2id$")  # upgraded on login
    assert PASSWORD not in borrower.password
