"""Each transfer workflow is one transaction: when its last step (the mail queue or the
audit log) fails, nothing of it stays. And the scoping querysets' quieter guards."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from audit.models import Action, AuditEvent
from borrowers.models import Borrower
from notifications.models import OutgoingMail
from tests.factories import BorrowerFactory, StaffFactory
from transfers.models import Status, TransferRequest


class QueueDown(Exception):
    pass


@pytest.fixture
def queue_down(monkeypatch):
    def fail(*args, **kwargs):
        raise QueueDown

    monkeypatch.setattr("transfers.models.queue_mail", fail)


@pytest.fixture
def audit_down(monkeypatch):
    def fail(*args, **kwargs):
        raise QueueDown

    monkeypatch.setattr("transfers.models.record", fail)


def state(borrower):
    """What a failed workflow must leave as it was."""
    return (
        Borrower.objects.get(pk=borrower.pk).library_id,
        sorted(TransferRequest.objects.values_list("pk", "status")),
        OutgoingMail.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_request_whose_mail_cannot_be_queued_is_not_made(
    borrower_a, library_b, registrar, queue_down
):
    before = state(borrower_a)
    with pytest.raises(QueueDown):
        TransferRequest.request(borrower_a, to_library=library_b, by=registrar)
    assert state(borrower_a) == before


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_a_decision_whose_mail_cannot_be_queued_is_not_taken(
    transfer, borrower_a, registrar_b, queue_down, decision
):
    before = state(borrower_a)
    with pytest.raises(QueueDown):
        getattr(transfer, decision)(by=registrar_b)
    assert state(borrower_a) == before
    assert TransferRequest.objects.get().status == Status.PENDING


def test_a_withdrawal_that_cannot_be_audited_is_not_made(
    transfer, borrower_a, registrar, audit_down
):
    before = state(borrower_a)
    with pytest.raises(QueueDown):
        transfer.cancel(by=registrar)
    assert state(borrower_a) == before


def test_a_move_by_mtm_whose_mail_cannot_be_queued_is_not_made(
    transfer, borrower_a, library_c, queue_down
):
    mtm = StaffFactory(email="mats@mtm.example", library=None, role="", is_staff=True)
    before = state(borrower_a)
    with pytest.raises(QueueDown):
        TransferRequest.move_by_mtm(borrower_a, to_library=library_c, by=mtm)
    assert state(borrower_a) == before  # the pending request was not withdrawn either


def test_the_acceptance_records_where_the_borrower_came_from(transfer, library_a, registrar_b):
    transfer.accept(by=registrar_b)
    event = AuditEvent.objects.get(action=Action.TRANSFER_ACCEPTED)
    assert event.detail["from_library"] == library_a.pk


# -- scoping: nobody but a registrar, never a protected identity ------------------------


def test_no_requests_for_someone_who_is_not_staff(transfer):
    for queryset in (TransferRequest.objects.incoming_for, TransferRequest.objects.outgoing_for):
        assert not queryset(AnonymousUser()).exists()


def test_a_mediator_of_either_library_sees_no_requests(transfer, library_a, library_b):
    for library in (library_a, library_b):
        mediator = StaffFactory(library=library, role=Role.MEDIATOR)
        assert not TransferRequest.objects.incoming_for(mediator).exists()
        assert not TransferRequest.objects.outgoing_for(mediator).exists()


def test_a_request_for_a_protected_identity_is_never_incoming(library_a, library_b, registrar_b):
    """Made impossible by request() and protect(); the scope holds even so."""
    hidden = BorrowerFactory(protected=True)
    TransferRequest.objects.create(borrower=hidden, from_library=library_a, to_library=library_b)
    assert not TransferRequest.objects.incoming_for(registrar_b).exists()


def test_is_pending_says_whether_the_request_waits_for_a_decision(transfer, registrar_b):
    assert transfer.is_pending is True
    transfer.accept(by=registrar_b)
    assert transfer.is_pending is False
