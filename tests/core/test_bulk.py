"""core.bulk.create_many: many new rows at once (COPY on PostgreSQL), written as an
INSERT would write them, with their ids on the objects afterwards."""

from datetime import UTC, datetime

from audit.models import Action, AuditEvent
from core.bulk import create_many
from tests.factories import LibraryFactory


def test_rows_are_written_as_an_insert_writes_them_and_get_their_ids(db):
    library = LibraryFactory()
    at = datetime(2019, 5, 2, 12, tzinfo=UTC)
    events = [
        AuditEvent(
            action=Action.IMPORTED,
            library=library,
            at=at,
            fields=["email"],
            detail={"file": "lån;tagare\t.csv", "row": n, "note": 'quote " and \\ back'},
        )
        for n in range(3)
    ]

    create_many(AuditEvent, events, ids=True)

    assert all(event.pk for event in events)
    stored = AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("pk")
    assert [(e.at, e.library_id, e.fields, e.detail) for e in stored] == [
        (at, library.pk, ["email"], events[n].detail) for n in range(3)
    ]
    assert not events[0]._state.adding


def test_ids_drawn_for_a_batch_are_not_given_again(db):
    first = [AuditEvent(action=Action.IMPORTED) for _n in range(2)]
    create_many(AuditEvent, first, ids=True)

    later = AuditEvent.objects.create(action=Action.IMPORTED)

    assert later.pk not in {event.pk for event in first}
    assert AuditEvent.objects.filter(pk__in=[event.pk for event in first]).count() == 2


def test_without_ids_the_table_numbers_the_rows(db):
    create_many(AuditEvent, [AuditEvent(action=Action.IMPORTED, detail={"n": n}) for n in range(3)])

    numbered = AuditEvent.objects.filter(action=Action.IMPORTED).values_list("pk", flat=True)
    assert len(set(numbered)) == 3


def test_nothing_to_write_asks_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        create_many(AuditEvent, [])
