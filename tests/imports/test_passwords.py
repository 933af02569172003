"""Old passwords keep working and are never stored weakly: bcrypt is kept as it is,
salted SHA-1 is wrapped in Argon2 at import, and the first successful login through
any door (Mina sidor, the login check, staff login) re-hashes with Argon2."""

import base64
import hashlib

import bcrypt
import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import StaffUser
from borrowers.models import Borrower
from selfservice.models import ServiceToken

from .conftest import ADULT_2, borrower_row, messages, run, staff_row

PASSWORD = "gamla-lösenordet-1"


@pytest.fixture(autouse=True)
def _production_hashers(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "core.hashers.LegacyBCryptPasswordHasher",
        "core.hashers.Argon2WrappedSSHAPasswordHasher",
    ]


def bcrypt_hash(prefix: str) -> str:
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4, prefix=b"2b")).decode()
    return f"${prefix}$" + hashed[4:]  # $2a$ and $2y$ are the same algorithm


def ssha_hash(salt: bytes = b"s4lt!x") -> str:
    digest = hashlib.sha1(PASSWORD.encode() + salt).digest()  # noqa: S324 - the old system's
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


HASHES = {
    "bcrypt $2a$": lambda: bcrypt_hash("2a"),
    "bcrypt $2y$": lambda: bcrypt_hash("2y"),
    "ssha": ssha_hash,
}


def login_mina_sidor(email):
    response = Client().post(reverse("selfservice:login"), {"email": email, "password": PASSWORD})
    return response.status_code == 302


def login_check(email):
    token = ServiceToken(name="Legimus")
    plain = token.generate()
    token.save()
    response = Client().post(
        reverse("api:authenticate"),
        {"email": email, "password": PASSWORD},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    return response.status_code == 200


def login_staff(email):
    response = Client().post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
    return response.status_code == 302


@pytest.mark.parametrize("kind", HASHES)
@pytest.mark.parametrize("door", [login_mina_sidor, login_check])
def test_an_imported_borrower_logs_in_with_the_old_password_and_is_upgraded(
    library, borrowers_file, kind, door
):
    old = HASHES[kind]()
    summary = run(borrowers_file(borrower_row(**{"Lösenordshash": old})))
    assert summary.errors == 0
    stored = Borrower.objects.get().password
    assert not stored.startswith("argon2$")
    if kind == "ssha":
        # No SHA-1 hash is stored as such.
        assert stored.startswith("assha$")
        assert base64.b64decode(old[6:])[:20].hex() not in stored
        assert old[6:] not in stored

    assert door("anna@post.example")

    upgraded = Borrower.objects.get().password
    assert upgraded.startswith("argon2$argon2id$")
    assert door("anna@post.example")  # and the new hash works


@pytest.mark.parametrize("kind", HASHES)
def test_an_imported_registrar_logs_in_with_the_old_password_and_is_upgraded(
    library, staff_file, kind
):
    run(staff_file(staff_row(**{"Lösenordshash": HASHES[kind]()})))

    assert login_staff("rut@bibliotek.example")

    assert StaffUser.objects.get().password.startswith("argon2$argon2id$")


def test_a_wrong_password_does_not_open_an_imported_account(library, borrowers_file):
    run(borrowers_file(borrower_row(**{"Lösenordshash": ssha_hash()})))

    response = Client().post(
        reverse("selfservice:login"), {"email": "anna@post.example", "password": "fel"}
    )

    assert response.status_code == 200
    assert Borrower.objects.get().password.startswith("assha$")


def test_an_account_without_a_hash_has_no_usable_password(library, borrowers_file, staff_file):
    run(staff_file(staff_row()), borrowers_file(borrower_row()))

    assert not Borrower.objects.get().has_usable_password()
    assert not StaffUser.objects.get().has_usable_password()


def test_an_unreadable_hash_is_an_error(library, borrowers_file):
    summary = run(borrowers_file(borrower_row(**{"Lösenordshash": "md5:abc"})))

    assert summary.imported == 0
    assert messages(summary)[0][1] == "Lösenordshash"


def test_salted_sha1_is_wrapped_in_argon2id_never_stored_as_it_was(library, borrowers_file):
    """The wrap: Argon2id at one of OWASP's recommended settings (7 MiB, five passes), the
    SHA-1 digest nowhere in the stored value; an unreadable {SSHA} refuses its row
    only. Hashes are wrapped ahead of their rows in a thread (imports.passwords)."""
    old = ssha_hash()
    rows = [
        borrower_row(**{"Lösenordshash": old}),
        borrower_row(
            **{
                "Person-/Samordningsnummer": ADULT_2,
                "E-post": "b@post.example",
                "Lösenordshash": "{SSHA}inte base64!",
            }
        ),
    ]

    summary = run(borrowers_file(*rows))

    assert (summary.imported, messages(summary)[0][:2]) == (1, (3, "Lösenordshash"))
    stored = Borrower.objects.get().password
    digest_hex = base64.b64decode(old[6:])[:20].hex()
    assert stored.startswith("assha$") and digest_hex not in stored and old[6:] not in stored
    assert "$argon2id$v=19$m=7168,t=5,p=1$" in stored
