"""Rules whose one home is a Borrower method or queryset, each with many cases:
which personnummer may replace an account's number (SPEC §2), and who sees borrowers.

The numbers are Skatteverket's reserved test numbers (tests/data/), never made up.
"""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from borrowers.identity import from_stored, parse_personal_number, parse_temporary_number
from borrowers.models import Borrower
from tests.factories import BorrowerFactory, StaffFactory

TODAY = date(2026, 11, 28)


def account(kind: str, number: str) -> Borrower:
    """An account as stored (unsaved: the rule reads only its number and birth date)."""
    return Borrower(
        id_kind=kind, identifier=number, birth_date=from_stored(kind, number).birth_date
    )


def personal(number: str):
    return parse_personal_number(number, today=TODAY)


# Samordningsnummer: day + 60, month 00 = unknown month, day 60 = unknown day.
KNOWN_DATE = "192911802391"  # 1929-11-20
UNKNOWN_MONTH = "192300692387"  # 1923-??-09
UNKNOWN_DAY = "192505602397"  # 1925-05-??
UNKNOWN_MONTH_AND_DAY = "193100602394"  # 1931-??-??


@pytest.mark.parametrize(
    ("samordningsnummer", "personnummer", "replaces"),
    [
        # Known date: the personnummer of that very date, nothing else.
        (KNOWN_DATE, "192911206387", True),
        (KNOWN_DATE, "192911039150", False),  # same month, another day
        (KNOWN_DATE, "192901209151", False),  # same day, another month
        (KNOWN_DATE, "192211203472", False),  # same month and day, another year
        # Unknown month: any month of that year, on the stated day.
        (UNKNOWN_MONTH, "192311099242", True),
        (UNKNOWN_MONTH, "192301138992", False),  # another day
        (UNKNOWN_MONTH, "192102099229", False),  # the same day of another year
        # Unknown day: any day of that month.
        (UNKNOWN_DAY, "192505139267", True),
        (UNKNOWN_DAY, "192501019216", False),  # another month
        # Only the year is known.
        (UNKNOWN_MONTH_AND_DAY, "193101139198", True),
        (UNKNOWN_MONTH_AND_DAY, "193001016595", False),
    ],
)
def test_a_samordningsnummer_is_replaced_by_a_personnummer_of_its_birth_date(
    samordningsnummer, personnummer, replaces
):
    old = account("samordningsnummer", samordningsnummer)
    assert old.is_replaced_by(personal(personnummer)) is replaces


def test_a_samordningsnummer_is_not_replaced_by_another_samordningsnummer():
    # 1925-05-05 lies within the unknown day of 1925-05-60, but it is no personnummer.
    old = account("samordningsnummer", UNKNOWN_DAY)
    assert old.is_replaced_by(personal("192505652384")) is False


def test_a_personnummer_is_never_replaced():
    old = account("personnummer", "192911206387")
    assert old.is_replaced_by(personal("192911206387")) is False


@pytest.mark.parametrize(
    ("number", "replaces"),
    [
        ("192911206387", True),  # a personnummer of the same birth date
        ("192911039150", False),  # a personnummer of another date
        (KNOWN_DATE, False),  # a samordningsnummer of the same birth date
    ],
)
def test_mtms_temporary_number_is_replaced_by_a_personnummer_of_the_same_birth_date(
    number, replaces
):
    temporary = parse_temporary_number("19291120-T123")
    old = account("tillfalligt", temporary.value)
    assert old.birth_date == date(1929, 11, 20)
    assert old.is_replaced_by(personal(number)) is replaces


# --- who sees borrowers (the one door of every registrar view) ------------------


@pytest.fixture
def anyone_at_a(library_a):
    return BorrowerFactory(library=library_a)


def test_a_registrar_sees_the_borrowers_of_the_library(anyone_at_a, registrar):
    assert list(Borrower.objects.visible_to(registrar)) == [anyone_at_a]


@pytest.mark.parametrize("who", ["anonymous", "mtm_staff", "mediator", "inactive_registrar"])
def test_nobody_but_a_registrar_sees_any_borrower(who, anyone_at_a, library_a, mtm_staff, mediator):
    staff = {
        "anonymous": AnonymousUser(),
        "mtm_staff": mtm_staff,
        "mediator": mediator,
        "inactive_registrar": StaffFactory(
            email="slutat@a.example", library=library_a, role=Role.REGISTRAR, is_active=False
        ),
    }[who]
    assert list(Borrower.objects.visible_to(staff)) == []
