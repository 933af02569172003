"""A borrower's own actions: checking a login, changing and resetting the password.

Shared by Mina sidor and the login check API, so the two can never disagree on
who may log in. Each state change writes its audit event (and queues its mail)
in one transaction.
"""

import enum
import functools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from accounts import borrower_throttle as throttle
from audit.log import keyed_hash, record
from audit.models import Action
from borrowers.credentials import set_password_with_token
from borrowers.models import Borrower
from notifications.mail import queue_mail
from notifications.models import MailKind


class Outcome(enum.StrEnum):
    OK = "ok"
    INVALID = "invalid_credentials"
    EXPIRED = "expired"
    NO_PASSWORD = "no_password"  # noqa: S105 (a reason, not a password)


@dataclass(frozen=True)
class LoginCheck:
    outcome: Outcome
    #: None when no account has the e-mail.
    borrower: Borrower | None


@functools.cache
def _dummy_hash(hashers: tuple[str, ...]) -> str:
    return make_password("not-anyones-password-just-for-timing")


def _spend_the_same_time(password: str) -> None:
    """Verify against a dummy hash, so that an unknown e-mail takes as long as a
    wrong password (one Argon2 verification) and timing tells them no apart."""
    check_password(password, _dummy_hash(tuple(settings.PASSWORD_HASHERS)))


#: The outcomes that count as a failed login for the throttle.
FAILED = (Outcome.INVALID, Outcome.NO_PASSWORD)


def check_login(email: str, password: str) -> LoginCheck:
    """Whether `email` and `password` open a borrower account today.

    The order matters: EXPIRED is only told once the password is verified, so it
    reveals nothing to someone without the password. NO_PASSWORD is told for an
    existing account that has no password yet; callers decide how much of that
    to show (Mina sidor folds it into the wrong-password message).
    """
    borrower = (
        Borrower.objects.with_email(email).select_related("library__parent").first()
        if email.strip()
        else None
    )
    if borrower is None:
        _spend_the_same_time(password)
        return LoginCheck(Outcome.INVALID, None)
    if not borrower.has_usable_password():
        _spend_the_same_time(password)
        return LoginCheck(Outcome.NO_PASSWORD, borrower)
    if not borrower.check_password(password):
        return LoginCheck(Outcome.INVALID, borrower)
    if borrower.is_expired(timezone.localdate()):
        return LoginCheck(Outcome.EXPIRED, borrower)
    return LoginCheck(Outcome.OK, borrower)


def note_login(borrower: Borrower, **detail) -> None:
    """A successful login on Mina sidor: the LOGGED_IN event. (Borrower.last_login is
    the last login in Legimus: the login check API sets it.)"""
    record(Action.LOGGED_IN, borrower=borrower, **detail)


def change_password(borrower: Borrower, raw_password: str) -> None:
    """Byt lösenord on Mina sidor (the form has checked the current one). The new
    hash ends the borrower's other sessions (session.py compares a fingerprint)."""
    with transaction.atomic():
        borrower.set_password(raw_password)
        borrower.save(update_fields=["password", "updated_at"])
        record(Action.PASSWORD_SET, borrower=borrower, via="mina_sidor")
        queue_password_changed_mail(borrower)


def queue_password_changed_mail(borrower: Borrower) -> None:
    """The borrower's own new password (Mina sidor, a reset link): a mail in the same
    transaction, so that someone else's change does not go unnoticed. Not when a
    registrar sets it (the handbook: no mail then)."""
    queue_mail(MailKind.BORROWER_PASSWORD_CHANGED, to=borrower.email, borrower=borrower.pk)


def request_password_reset(email: str) -> None:
    """Glömt lösenord: queue a reset mail if a borrower has this e-mail. The caller
    answers the same whatever happens here. At most AXES_FAILURE_LIMIT mails per
    address within the cool-off window, so nobody can flood a mailbox."""
    borrower = Borrower.objects.with_email(email).first() if email.strip() else None
    if borrower is None:
        return
    with transaction.atomic():
        if not throttle.allow_reset_mail(email):
            return
        # Only the id is stored: the single-use link is minted at delivery (mails.py).
        queue_mail(
            MailKind.BORROWER_PASSWORD_RESET,
            to=borrower.email,
            borrower=borrower.pk,
            email_hash=keyed_hash(borrower.email.lower()),
        )


def reset_password(token: str, raw_password: str) -> Borrower | None:
    """The borrower chooses a new password with the link from the reset mail.

    None when the link is no longer valid (used, older than two hours, or the
    password changed since). The new hash ends the link and every session of the
    borrower, and lifts a login lockout of the address.
    """
    with transaction.atomic():
        borrower = set_password_with_token(token, raw_password, purpose="reset", via="reset_link")
        if borrower is not None:
            queue_password_changed_mail(borrower)
            throttle.clear(borrower.email)
    return borrower
