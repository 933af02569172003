"""The old register's password hashes as the registry stores them (core/hashers.py).

- bcrypt (`$2a$`, `$2b$`, `$2y$`, as Java and PHP write it) is kept as it is;
  `$2y$` is PHP's name for `$2b$`.
- salted SHA-1 in LDAP form (`{SSHA}`) is wrapped in Argon2 at once: no SHA-1
  hash is ever stored as such.
- no hash: no usable password (the person chooses one from an invitation).

The first successful login re-hashes either with Argon2.
"""

import binascii
import re

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
