"""Factories for the cast of the tests. Identity numbers come only from
Skatteverket's reserved test numbers (tests/data)."""

from datetime import date, timedelta
from pathlib import Path

import factory
from django.utils import timezone

from accounts.models import Role, StaffUser
from libraries.models import Library, LibraryType, Municipality

TEST_PASSWORD = "Korrekt-häst-batteri-häftklammer"


class LibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Library

    sigel = factory.Sequence(lambda n: f"Test{n}")
    name = factory.Sequence(lambda n: f"Testbibliotek {n}")
    library_type = LibraryType.PUBLIC
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(name="Stockholm"))
    contact_name = "Tove Talbok"
    contact_email = factory.Sequence(lambda n: f"talbok{n}@bibliotek.example")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffUser
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@bibliotek.example")
    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = "Efternamn"
    library = factory.SubFactory(LibraryFactory)
    role = Role.REGISTRAR

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or TEST_PASSWORD)
        if create:
            user.save(update_fields=["password"])


def _test_numbers(name: str) -> list[str]:
    path = Path(__file__).parent / "data" / name
    return sorted({line.strip() for line in path.read_text().splitlines() if line.strip()})


#: Skatteverket's reserved numbers (never made-up ones that may belong to someone).
PERSONNUMMER = _test_numbers("testpersonnummer.txt")
SAMORDNINGSNUMMER = _test_numbers("testsamordningsnummer.txt")
ADULT_PERSONNUMMER = [n for n in PERSONNUMMER if "1930" <= n[:4] <= "1999"]
MINOR_PERSONNUMMER = [n for n in PERSONNUMMER if "2012" <= n[:4] <= "2019"]
ADULT_SAMORDNINGSNUMMER = [
    n for n in SAMORDNINGSNUMMER if "1930" <= n[:4] <= "1999" and n[4:6] != "00" and n[6:8] != "60"
]


def birth_date_of(number: str) -> date:
    day = int(number[6:8])
    return date(int(number[:4]), int(number[4:6]), day - 60 if day > 60 else day)


def in_half_a_year() -> date:
    return timezone.localdate() + timedelta(days=180)


def free_number(numbers, start: int = 0) -> str:
    """The first of `numbers` from `start` on (round the list) that no borrower has: the
    factory's sequence runs on across tests, and a test may have taken a number itself."""
    from borrowers.models import Borrower

    for i in range(len(numbers)):
        number = numbers[(start + i) % len(numbers)]
        if not Borrower.objects.filter(identifier=number).exists():
            return number
    raise LookupError("every test number is taken")


def _cycle(numbers):
    return factory.Sequence(lambda n: free_number(numbers, n))


class BorrowerFactory(factory.django.DjangoModelFactory):
    """An adult with a personnummer, at a library, valid until further notice."""

    class Meta:
        model = "borrowers.Borrower"

    id_kind = "personnummer"
    identifier = _cycle(ADULT_PERSONNUMMER)
    birth_date = factory.LazyAttribute(
        lambda o: None if o.id_kind == "lma" else birth_date_of(o.identifier)
    )
    first_name = factory.Sequence(lambda n: f"Låntagare{n}")
    last_name = factory.Sequence(lambda n: f"Efternamn{n:05d}")
    email = factory.Sequence(lambda n: f"lantagare{n}@post.example")
    library = factory.SubFactory(LibraryFactory)

    class Params:
        minor = factory.Trait(
            identifier=_cycle(MINOR_PERSONNUMMER),
            registered_as_minor=True,
            guardian_birth_date=date(1980, 5, 17),
        )
        samordningsnummer = factory.Trait(
            id_kind="samordningsnummer",
            identifier=_cycle(ADULT_SAMORDNINGSNUMMER),
            valid_until=factory.LazyFunction(in_half_a_year),
        )
        lma = factory.Trait(
            id_kind="lma",
            identifier=factory.Sequence(lambda n: f"{10000000 + n:08d}"),
            valid_until=factory.LazyFunction(in_half_a_year),
        )
        protected = factory.Trait(
            protected_identity=True, library=None, first_name="", last_name=""
        )
