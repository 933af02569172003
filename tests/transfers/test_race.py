"""Two registrars decide the same request at the same moment: exactly one wins.

Each thread has its own database connection (Django's connections are per
thread), so the two decisions really run as two concurrent transactions."""

import threading

import pytest
from django.db import connection, connections

from notifications.models import MailKind, OutgoingMail
from tests.factories import StaffFactory
from transfers.models import Status, TransferRequest

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time")


def decide_at_once(calls):
    """Run each (method name, staff) against its own copy of the request, all
    released together by a barrier; return what each call returned."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, transfer_pk, method, staff):
        try:
            transfer = TransferRequest.objects.get(pk=transfer_pk)
            barrier.wait(timeout=10)
            results[index] = getattr(transfer, method)(by=staff)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, pk, method, staff))
        for index, (pk, method, staff) in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.mark.parametrize("methods", [("accept", "reject"), ("accept", "accept")])
def test_two_registrars_deciding_at_once_exactly_one_wins(
    transfer, borrower_a, library_b, registrar_b, methods
):
    colleague = StaffFactory(library=library_b)
    results = decide_at_once(
        [(transfer.pk, methods[0], registrar_b), (transfer.pk, methods[1], colleague)]
    )

    assert sorted(results) == [False, True]
    transfer.refresh_from_db()
    winner = [registrar_b, colleague][results.index(True)]
    assert transfer.decided_by == winner
    decided_mails = OutgoingMail.objects.filter(
        kind__in=[MailKind.TRANSFER_ACCEPTED, MailKind.TRANSFER_REJECTED]
    )
    assert decided_mails.count() == 1
    borrower_a.refresh_from_db()
    expected = library_b if transfer.status == Status.ACCEPTED else transfer.from_library
    assert borrower_a.library == expected


def test_a_withdrawal_and_an_acceptance_at_once_exactly_one_wins(transfer, registrar, registrar_b):
    results = decide_at_once(
        [(transfer.pk, "cancel", registrar), (transfer.pk, "accept", registrar_b)]
    )
    assert sorted(results) == [False, True]
