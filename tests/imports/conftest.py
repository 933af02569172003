"""Files of the old register, written as the interchange format (docs/import.md)."""

import csv
from datetime import date

import pytest

from imports.reading import BORROWER_COLUMNS, STAFF_COLUMNS
from imports.run import Importer
from tests.factories import ADULT_PERSONNUMMER, MINOR_PERSONNUMMER, LibraryFactory

TODAY = date(2026, 3, 16)
ADULT = ADULT_PERSONNUMMER[0]
ADULT_2 = ADULT_PERSONNUMMER[1]
MINOR = next(n for n in MINOR_PERSONNUMMER if n[:4] >= "2015")


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(f"{TODAY} 12:00", tick=False)


@pytest.fixture
def library(db):
    return LibraryFactory(sigel="Abc", name="Alby bibliotek", active=False)


@pytest.fixture
def other_library(db):
    return LibraryFactory(sigel="Xyz", name="Xby bibliotek")


def borrower_row(**values) -> dict:
    row = {
        "Kontotyp": "vuxen",
        "Person-/Samordningsnummer": ADULT,
        "Förnamn": "Anna",
        "Efternamn": "Andersson",
        "E-post": "anna@post.example",
        "Bibliotek": "ABC",
        "Användargrupper": "Laddare",
        "Registrerad": "2019-05-02",
        "Senast inloggad": "2026-02-01",
    }
    row.update(values)
    return row


def staff_row(**values) -> dict:
    row = {
        "E-post": "rut@bibliotek.example",
        "Förnamn": "Rut",
        "Efternamn": "Registrerare",
        "Roll": "registrerare",
        "Bibliotek": "abc",
    }
    row.update(values)
    return row


def write_csv(path, rows, columns=BORROWER_COLUMNS, *, bom=True):
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(column, "") for column in columns])
    return path


@pytest.fixture
def borrowers_file(tmp_path):
    def make(*rows, name="lantagare.csv", columns=BORROWER_COLUMNS):
        return write_csv(tmp_path / name, rows, columns)

    return make


@pytest.fixture
def staff_file(tmp_path):
    def make(*rows, name="personal.csv"):
        return write_csv(tmp_path / name, rows, STAFF_COLUMNS)

    return make


def run(*paths, commit=True, **kwargs):
    return Importer(commit=commit, **kwargs).run([(str(p), p.name) for p in paths])


def messages(summary) -> list[tuple]:
    return [(m.row, m.column, m.text) for m in summary.messages]
