"""The import judges and writes borrower rows a batch at a time (imports/run.py):
the registry is asked once per batch, and a batch's new accounts are written in a
few statements through Borrower.objects.register_many. These tests pin down that
the batches change nothing a row-by-row run would do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Action, AuditEvent
from borrowers.identity import parse_personal_number
from borrowers.models import Borrower, Service
from imports import run as import_run
from imports.rows import BorrowerRules, Known
from tests.factories import ADULT_PERSONNUMMER, BorrowerFactory

from .conftest import TODAY, borrower_row, messages, run

NUMBERS = ADULT_PERSONNUMMER[3:9]


def _rows(count: int) -> list[dict]:
    return [
        borrower_row(**{"Person-/Samordningsnummer": number, "E-post": f"p{index}@post.example"})
        for index, number in enumerate(NUMBERS[:count])
    ]


def test_rows_over_several_batches_import_as_one_run(library, borrowers_file, monkeypatch):
    monkeypatch.setattr(import_run, "BATCH_SIZE", 2)
    rows = _rows(5)
    # The same e-mail address in the first and the last batch: both rows refused.
    rows[4]["E-post"] = rows[0]["E-post"].upper()

    summary = run(borrowers_file(*rows))

    assert (summary.imported, summary.errors) == (3, 2)
    assert [row for row, column, _text in messages(summary)] == [2, 6]
    assert Borrower.objects.count() == 3
    assert AuditEvent.objects.filter(action=Action.IMPORTED).count() == 3
    # The report lists rows in the file's order, whichever batch found them.
    assert run(borrowers_file(*rows)).imported == 0


def test_a_batch_writes_what_register_writes_for_each_account(library, db):
    """register_many is register() for many: the same columns, services and event."""
    values = {
        "by": None,
        "email": "",
        "valid_until": None,
        "library": library,
        "first_name": "Anna",
        "last_name": "Andersson",
        "language": "sv",
    }
    services = list(Service.objects.filter(published=True)[:2])
    one, many = (parse_personal_number(n, today=TODAY) for n in NUMBERS[:2])
    single = Borrower.objects.register(
        identity=one,
        services=services,
        send_credentials=False,
        via="import",
        **{**values, "email": "one@post.example"},
    )
    built = Borrower.objects.build(identity=many, **{**values, "email": "many@post.example"})
    Borrower.objects.register_many([(built, services)], by=None, via="import")

    batch = Borrower.objects.get(pk=built.pk)
    ignored = {
        "id",
        "code",
        "identifier",
        "birth_date",
        "email",
        "password",
        "created_at",
        "updated_at",
        "agreement_accepted_at",
    }
    columns = [f.attname for f in Borrower._meta.concrete_fields if f.attname not in ignored]
    assert {c: getattr(batch, c) for c in columns} == {c: getattr(single, c) for c in columns}
    assert set(batch.services.all()) == set(single.services.all()) == set(services)
    assert not batch.has_usable_password()
    events = [
        AuditEvent.objects.get(borrower_code=b.code, action=Action.CREATED) for b in (single, batch)
    ]
    assert [(e.library_id, e.actor_id, e.fields, e.detail) for e in events] == [
        (library.pk, None, [], {"via": "import"})
    ] * 2


def test_a_person_registered_at_a_desk_meanwhile_refuses_only_that_row(
    library, borrowers_file, monkeypatch
):
    """Between the batch's look-up and its writing a registrar registers one of the
    people: the batch is written again row by row, and only that row is refused."""
    rows = _rows(3)
    look_up = BorrowerRules.look_up

    def late_desk(self, batch_rows, identifiers):
        known = look_up(self, batch_rows, identifiers)
        BorrowerFactory(library=library, email=rows[1]["E-post"])
        return known

    monkeypatch.setattr(BorrowerRules, "look_up", late_desk)

    summary = run(borrowers_file(*rows))

    assert (summary.imported, summary.errors) == (2, 1)
    assert messages(summary) == [
        (3, "E-post", import_run.email_taken_message()),
    ]
    assert Borrower.objects.filter(email__startswith="p").count() == 3  # the desk's, and two


@pytest.mark.parametrize("case", ["lower", "upper"])
def test_the_batch_look_up_finds_addresses_whatever_their_case(db, case):
    borrower = BorrowerFactory(email="Kim.Larsson@Post.example")
    email = getattr(borrower.email, case)()

    known = Known(set(), {email})

    assert known.email_holders[email.lower()].pk == borrower.pk


def test_the_same_wrong_date_on_many_rows_is_an_error_on_each(library, borrowers_file):
    """Dates and names are judged once a run (rows.Memo): a repeated wrong value is
    still every row's error, a repeated right one every row's value."""
    rows = _rows(4)
    for row in rows[:2]:
        row["Registrerad"] = "2019-02-30"

    summary = run(borrowers_file(*rows))

    assert (summary.imported, summary.errors) == (2, 2)
    assert [(row, column) for row, column, _text in messages(summary)] == [
        (2, "Registrerad"),
        (3, "Registrerad"),
    ]
    assert {b.created_at.date().isoformat() for b in Borrower.objects.all()} == {"2019-05-02"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's settings")
def test_the_borrower_look_ups_run_without_bitmap_scans_then_the_planner_is_as_before(db):
    """No trigram index for an exact look-up (imports.rows._exact_indexes_only)."""
    with CaptureQueriesContext(connection) as queries:
        Known({"190001010000"}, {"a@post.example"})

    sql = [query["sql"] for query in queries]
    assert sql[0] == "SET LOCAL enable_bitmapscan = off"
    assert all('FROM "borrowers_borrower"' in text for text in sql[1:3])
    assert sql[3] == "RESET enable_bitmapscan"
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        assert cursor.fetchone()[0] == "on"
