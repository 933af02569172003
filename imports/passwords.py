"""The old register's password hashes as the registry stores them (core/hashers.py).

- bcrypt (`$2a$`, `$2b$`, `$2y$`, as Java and PHP write it) is kept as it is;
  `$2y$` is PHP's name for `$2b$`.
- salted SHA-1 in LDAP form (`{SSHA}`) is wrapped in Argon2 at once: no SHA-1
  hash is ever stored as such.
- no hash: no usable password (the person chooses one from an invitation).

The first successful login re-hashes either with Argon2.
"""

import binascii
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor

from core.hashers import Argon2WrappedSSHAPasswordHasher, LegacyBCryptPasswordHasher

_BCRYPT = re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}")
MAX_LENGTH = 128  # the password columns of Borrower and StaffUser


def stored_hash(text: str) -> str:
    """The value for the password column; "" for none. ValueError when unreadable."""
    text = text.strip()
    if not text:
        return ""
    if _BCRYPT.fullmatch(text):
        if text.startswith("$2y$"):
            text = "$2b$" + text[4:]
        return f"{LegacyBCryptPasswordHasher.algorithm}${text}"
    if text[:6].upper() == "{SSHA}":
        try:
            stored = Argon2WrappedSSHAPasswordHasher().wrap(text[6:])
        except (ValueError, binascii.Error) as error:
            raise ValueError("unreadable SSHA") from error
        if len(stored) > MAX_LENGTH:
            raise ValueError("salt too long")
        return stored
    raise ValueError("unknown hash")


class Prewrapped:
    """A run's {SSHA} hashes, wrapped ahead of their rows in threads: Argon2 runs in
    C without the GIL, so the wrapping uses the other core while the run judges and
    writes rows. `submit` each row's hash in a first pass; `stored_hash` then takes
    the result (or raises its ValueError) as stored_hash() would."""

    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=max(1, (os.cpu_count() or 1) - 1))
        self._wrapped: dict[str, Future] = {}

    def submit(self, text: str) -> None:
        text = text.strip()
        if text[:6].upper() == "{SSHA}" and text not in self._wrapped:
            self._wrapped[text] = self._pool.submit(stored_hash, text)

    def stored_hash(self, text: str) -> str:
        future = self._wrapped.pop(text.strip(), None)
        return stored_hash(text) if future is None else future.result()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
