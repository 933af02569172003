"""Set-password links for borrowers: single use, time-limited, never stored.

A token signs the borrower's code and a fingerprint of their current password
hash and the time login details were last sent. Choosing a password changes
the hash, and sending fresh login details changes the time, so either makes
every earlier link stop working. Tokens are minted when the mail is delivered.
"""

import hashlib
from datetime import timedelta

from django.core import signing
from django.db import transaction

from audit.log import record
from audit.models import Action

from .models import Borrower

CREDENTIALS_MAX_AGE = timedelta(days=14)
RESET_MAX_AGE = timedelta(hours=2)

_SALTS = {"credentials": "borrowers.credentials", "reset": "borrowers.reset"}


def _fingerprint(borrower: Borrower) -> str:
    sent = borrower.credentials_sent_at.isoformat() if borrower.credentials_sent_at else ""
    return hashlib.sha256(f"{borrower.password}|{sent}".encode()).hexdigest()[:32]


def make_token(borrower: Borrower, *, purpose: str = "credentials") -> str:
    signer = signing.TimestampSigner(salt=_SALTS[purpose])
    return signer.sign_object({"b": str(borrower.code), "f": _fingerprint(borrower)}, compress=True)


def borrower_for_token(token: str, *, purpose: str = "credentials") -> Borrower | None:
    """The borrower the token was made for, if it is still valid; else None."""
    max_age = CREDENTIALS_MAX_AGE if purpose == "credentials" else RESET_MAX_AGE
    signer = signing.TimestampSigner(salt=_SALTS[purpose])
    try:
        payload = signer.unsign_object(token, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return None
    borrower = Borrower.objects.filter(code=payload.get("b")).first()
    if borrower is None or payload.get("f") != _fingerprint(borrower):
        return None
    return borrower


def set_password_with_token(
    token: str, raw_password: str, *, purpose: str = "credentials", via: str
) -> Borrower | None:
    """The borrower chooses a password with a link (login details or Glömt lösenord),
    the one home of both. None when the link is no longer valid (used, expired or
    replaced by a fresher one); the new hash ends the link, so it works once. Called
    inside the caller's transaction, which may add its own steps (mail, throttle)."""
    with transaction.atomic():
        borrower = borrower_for_token(token, purpose=purpose)
        if borrower is None:
            return None
        # Two submits of one link at once: the row lock orders them, and the second
        # sees the new hash and is refused.
        Borrower.objects.select_for_update().filter(pk=borrower.pk).first()
        borrower = borrower_for_token(token, purpose=purpose)
        if borrower is None:
            return None
        borrower.set_password(raw_password)
        borrower.save(update_fields=["password", "updated_at"])
        record(Action.PASSWORD_SET, borrower=borrower, via=via)
    return borrower
