"""Password hashers for hashes brought in from the old register (imports/).

The old system wrote bcrypt (`$2a$`, `$2b$`, `$2y$`) and salted SHA-1 in LDAP form
(`{SSHA}`). A bcrypt hash is kept as it is (Django's `bcrypt$<hash>`). A salted
SHA-1 hash is never stored as such: the import wraps it in Argon2 (Django's
"password upgrading without requiring a login"). Neither hasher is the preferred
one, so the first successful login re-hashes the password with Argon2
(django.contrib.auth.hashers.check_password calls the setter).
"""

import base64
import hashlib
import hmac

from django.contrib.auth.hashers import Argon2PasswordHasher, BCryptPasswordHasher


class LegacyBCryptPasswordHasher(BCryptPasswordHasher):
    """bcrypt as the old system checked it: only the first 72 bytes of the password
    count (newer bcrypt libraries refuse longer input instead of cutting it)."""

    algorithm = "bcrypt"

    def verify(self, password, encoded):
        algorithm, data = encoded.split("$", 1)
        assert algorithm == self.algorithm
        bcrypt = self._load_library()
        raw = password.encode()[:72]
        return hmac.compare_digest(bcrypt.hashpw(raw, data.encode("ascii")), data.encode("ascii"))

    def encode(self, password, salt):
        bcrypt = self._load_library()
        data = bcrypt.hashpw(password.encode()[:72], salt)
        return f"{self.algorithm}${data.decode('ascii')}"


def sha1_with_salt(password: str, salt: bytes) -> str:
    """The old system's inner hash: SHA-1 of the password followed by the salt (hex)."""
    return hashlib.sha1(password.encode() + salt).hexdigest()  # noqa: S324 - wrapped at once


class _WrappingArgon2(Argon2PasswordHasher):
    """Argon2id at one of OWASP's recommended settings (7 MiB, five passes, one lane;
    the cheapest in time of its equivalent five): about 14 ms a hash here, where
    Django's default takes about 110 ms. The wrapped hash lives only until the
    person's first login, which re-hashes the password with the default; with the
    default, the 1 % of a 200,000-row file that carries {SSHA} would cost minutes of
    CPU (docs/security.md). Verifying reads the parameters from the stored hash."""

    time_cost = 5
    memory_cost = 7168
    parallelism = 1


class Argon2WrappedSSHAPasswordHasher(Argon2PasswordHasher):
    """argon2(sha1(password + salt)), stored `assha$<salt, base64>$<argon2 without its name>`."""

    algorithm = "assha"

    def wrap(self, ssha: str) -> str:
        """`{SSHA}base64(digest + salt)` -> this hasher's form, without the password."""
        raw = base64.b64decode(ssha.removeprefix("{SSHA}").strip(), validate=True)
        if len(raw) <= 20:
            raise ValueError("no salt")
        digest, salt = raw[:20], raw[20:]
        return self._store(digest.hex(), salt)

    def _store(self, inner_hex: str, salt: bytes) -> str:
        inner = _WrappingArgon2().encode(inner_hex, self.salt())
        return f"{self.algorithm}${base64.b64encode(salt).decode()}${inner.split('$', 1)[1]}"

    def encode(self, password, salt):
        return self._store(sha1_with_salt(password, salt.encode()), salt.encode())

    def _parts(self, encoded: str) -> tuple[bytes, str]:
        algorithm, salt, inner = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return base64.b64decode(salt), f"argon2${inner}"

    def verify(self, password, encoded):
        salt, inner = self._parts(encoded)
        return Argon2PasswordHasher().verify(sha1_with_salt(password, salt), inner)

    def decode(self, encoded):
        _salt, inner = self._parts(encoded)
        decoded = Argon2PasswordHasher().decode(inner)
        return {**decoded, "algorithm": self.algorithm}

    def safe_summary(self, encoded):
        return Argon2PasswordHasher().safe_summary(self._parts(encoded)[1])

    def must_update(self, encoded):
        return True

    def harden_runtime(self, password, encoded):
        pass
