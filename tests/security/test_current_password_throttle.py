"""A stolen session cannot guess the account's password without limit: a wrong current
password on Mina uppgifter (staff: the password or the e-mail form) and on Mina sidor's
Byt lösenord counts toward the same lock as a failed login, with the same cool-off and
the same lockout page; while locked, not even the right password is accepted."""

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from selfservice import session as borrower_session
from tests.factories import TEST_PASSWORD, BorrowerFactory

PROFILE = reverse("accounts:profile")
BORROWER_PASSWORD = "Sommarregn över taken"
NEW_PASSWORD = "ett-nytt-och-långt-lösenord"


def _staff_password_form(password):
    return {
        "change_password": "",
        "password-old_password": password,
        "password-new_password1": NEW_PASSWORD,
        "password-new_password2": NEW_PASSWORD,
    }


def _staff_email_form(password):
    return {"change_email": "", "email-email": "ny@a.example", "email-password": password}


@pytest.mark.parametrize(
    "form", [_staff_password_form, _staff_email_form], ids=["password", "email"]
)
def test_forty_wrong_current_passwords_lock_the_staff_account(registrar_client, registrar, form):
    answers = [registrar_client.post(PROFILE, form("fel-lösenord")).status_code for _ in range(40)]
    assert answers[0] == 200  # a form error: the current password is wrong
    assert answers[-1] == 429
    assert answers.index(429) == settings.AXES_FAILURE_LIMIT - 1  # the limit-th failure locks

    right = registrar_client.post(PROFILE, form(TEST_PASSWORD))
    assert right.status_code == 429
    assert "För många misslyckade inloggningsförsök" in right.content.decode()
    registrar.refresh_from_db()
    assert registrar.check_password(TEST_PASSWORD) and registrar.email != "ny@a.example"


def test_wrong_current_passwords_lock_the_staff_login_too(registrar_client, registrar):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        registrar_client.post(PROFILE, _staff_password_form("fel-lösenord"))
    login = type(registrar_client)().post(
        reverse("accounts:login"), {"username": registrar.email, "password": TEST_PASSWORD}
    )
    assert login.status_code == 429


def test_the_staff_lock_lifts_after_the_cool_off(registrar_client, registrar):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        registrar_client.post(PROFILE, _staff_password_form("fel-lösenord"))
    later = timezone.now() + settings.AXES_COOLOFF_TIME + timezone.timedelta(minutes=1)
    with time_machine.travel(later):
        response = registrar_client.post(PROFILE, _staff_password_form(TEST_PASSWORD))
    assert response.status_code == 302
    registrar.refresh_from_db()
    assert registrar.check_password(NEW_PASSWORD)


def test_the_password_is_never_stored_with_the_failure(registrar_client):
    from axes.models import AccessAttempt

    registrar_client.post(PROFILE, _staff_password_form("hemligt-fel-lösenord"))
    registrar_client.post(PROFILE, _staff_email_form("annat-hemligt-fel"))
    stored = " ".join(a.post_data for a in AccessAttempt.objects.all())
    assert stored  # the failures were counted
    assert "hemligt" not in stored and NEW_PASSWORD not in stored


# --- Mina sidor -------------------------------------------------------------------------


@pytest.fixture
def member(library_a):
    borrower = BorrowerFactory(library=library_a, email="lena@post.example")
    borrower.set_password(BORROWER_PASSWORD)
    borrower.save()
    return borrower


def _log_in(client, borrower):
    import time

    session = client.session
    now = int(time.time())
    session[borrower_session.CODE] = str(borrower.code)
    session[borrower_session.AUTH_TIME] = now
    session[borrower_session.SEEN] = now
    session[borrower_session.FINGERPRINT] = borrower_session.password_fingerprint(borrower)
    session.save()


def _change(client, current):
    return client.post(
        reverse("selfservice:change_password"),
        {"current_password": current, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_forty_wrong_current_passwords_lock_the_borrower(client, member):
    _log_in(client, member)
    answers = [_change(client, "fel-lösenord").status_code for _ in range(40)]
    assert answers[0] == 200
    assert answers[-1] == 429
    assert answers.index(429) == settings.AXES_FAILURE_LIMIT - 1

    right = _change(client, BORROWER_PASSWORD)
    assert right.status_code == 429
    member.refresh_from_db()
    assert member.check_password(BORROWER_PASSWORD)


def test_wrong_current_passwords_lock_the_mina_sidor_login(client, member):
    _log_in(client, member)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _change(client, "fel-lösenord")
    other = type(client)()
    login = other.post(
        reverse("selfservice:login"), {"email": member.email, "password": BORROWER_PASSWORD}
    )
    assert login.status_code == 429
