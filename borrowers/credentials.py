"""Set-password links for borrowers: single use, time-limited, never stored.

A token signs the borrower's code and a fingerprint of their current password
hash and the time login details were last sent. Choosing a password changes
the hash, and sending fresh login details changes the time, so either makes
every earlier link stop working. Tokens are minted when the mail is delivered.
"""

import hashlib
from datetime import timedelta

from django.core import signing

CREDENTIALS_MAX_AGE = timedelta(days=14)
RESET_MAX_AGE = timedelta(hours=2)

_SALTS = {"credentials": "borrowers.credentials", "reset": "borrowers.reset"}


def _fingerprint(borrower) -> str:
    sent = borrower.credentials_sent_at.isoformat() if borrower.credentials_sent_at else ""
    return hashlib.sha256(f"{borrower.password}|{sent}".encode()).hexdigest()[:32]


def make_token(borrower, *, purpose: str = "credentials") -> str:
    signer = signing.TimestampSigner(salt=_SALTS[purpose])
    return signer.sign_object({"b": str(borrower.code), "f": _fingerprint(borrower)}, compress=True)


def signed_code(token: str, *, purpose: str = "credentials") -> tuple[str, str] | None:
    """The borrower code and fingerprint a token signs, while the signature holds and
    the link is young enough; else None. Who holds that code is the model's question
    (BorrowerQuerySet.for_token), whether the fingerprint still matches is fits()."""
    max_age = CREDENTIALS_MAX_AGE if purpose == "credentials" else RESET_MAX_AGE
    signer = signing.TimestampSigner(salt=_SALTS[purpose])
    try:
        payload = signer.unsign_object(token, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return payload.get("b"), payload.get("f")


def fits(borrower, fingerprint: str | None) -> bool:
    """Whether the borrower's password and login details are still those the token was
    made for: a new password or fresher login details end every earlier link."""
    return fingerprint == _fingerprint(borrower)
