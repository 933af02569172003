"""The import is one more door of the borrower rules: for the same input it answers
with the create forms' own words (tests/borrowers/test_rules_doors.py holds the
other doors). History's differences are tested in test_import.py."""

import pytest

from borrowers.forms.register import CREATE_FORMS
from tests.borrowers.register.conftest import valid_data
from tests.factories import ADULT_SAMORDNINGSNUMMER, BorrowerFactory

from .conftest import borrower_row, messages, run

SAMORDNINGSNUMMER = ADULT_SAMORDNINGSNUMMER[0]


def form_says(registrar, kind, field, **data):
    form = CREATE_FORMS[kind](valid_data(kind, **data), registrar=registrar)
    form.is_valid()
    return form.errors.as_data()[field][0].messages[0]


def import_says(borrowers_file, column, **row):
    summary = run(borrowers_file(borrower_row(**row)), commit=False)
    return next(text for _row, col, text in messages(summary) if col == column)


@pytest.fixture
def registrar(library):
    from tests.factories import StaffFactory

    return StaffFactory(library=library)


@pytest.mark.parametrize("valid_until", ["2027-03-17", ""])
def test_samordningsnummer_validity(registrar, borrowers_file, valid_until):
    form = form_says(
        registrar, "adult", "valid_until", identifier=SAMORDNINGSNUMMER, valid_until=valid_until
    )
    imported = import_says(
        borrowers_file,
        "Giltighetstid t.o.m.",
        **{"Person-/Samordningsnummer": SAMORDNINGSNUMMER, "Giltighetstid t.o.m.": valid_until},
    )
    assert imported == form


@pytest.mark.parametrize("number", ["19850113-9990", "850113", "1985011399951"])
def test_identity_numbers(registrar, borrowers_file, number):
    form = form_says(registrar, "adult", "identifier", identifier=number)
    imported = import_says(
        borrowers_file, "Person-/Samordningsnummer", **{"Person-/Samordningsnummer": number}
    )
    assert imported == form


def test_the_guardian_is_an_adult(registrar, borrowers_file):
    form = form_says(registrar, "minor", "guardian_birth_date", guardian_birth_date="2012-01-01")
    imported = import_says(
        borrowers_file,
        "Vårdnadshavarens födelsedatum",
        **{
            "Kontotyp": "under 18",
            "Person-/Samordningsnummer": "20150101-2395",
            "Registrerad": "",
            "Vårdnadshavarens födelsedatum": "2012-01-01",
        },
    )
    assert imported == form


def test_a_protected_identitys_e_mail(registrar, borrowers_file):
    BorrowerFactory(protected=True, email="skyddad@post.example")
    form = form_says(registrar, "adult", "email", email="skyddad@post.example")
    imported = import_says(borrowers_file, "E-post", **{"E-post": "skyddad@post.example"})
    assert imported == form
