"""Authentication of borrowers: whether an e-mail and password open an account.

Shared by Mina sidor and the login check API, so the two can never disagree on
who may log in. What a borrower changes on their account (the password, by Mina
sidor or a link) is a workflow of the Borrower model (borrowers/models.py).
"""

import enum
import functools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from audit.log import record
from audit.models import Action
from borrowers.models import Borrower


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
