"""The rules of moving a borrower, on the model: request, accept, reject, cancel, pull."""

import pytest
from django.db import IntegrityError, transaction

from audit.models import Action, AuditEvent
from borrowers.models import Borrower
from notifications.models import MailKind, OutgoingMail
from tests.factories import BorrowerFactory, LibraryFactory
from transfers.models import Status, TransferRefused, TransferRequest, TransferRequestQuerySet


def mails(kind):
    return list(OutgoingMail.objects.filter(kind=kind).values_list("to", flat=True))


def events(action):
    return AuditEvent.objects.filter(action=action)


# -- request -------------------------------------------------------------------


def test_a_request_leaves_the_borrower_at_the_old_library_and_tells_them(
    borrower_a, library_a, library_b, registrar, mailoutbox
):
    transfer = TransferRequest.request(borrower_a, to_library=library_b, by=registrar)

    assert transfer.status == Status.PENDING
    assert transfer.from_library == library_a and transfer.requested_by == registrar
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_a
    assert mails(MailKind.TRANSFER_REQUESTED) == [borrower_a.email]
    assert [m.to for m in mailoutbox] == [[borrower_a.email]]
    assert library_b.name in mailoutbox[0].subject
    event = events(Action.TRANSFER_REQUESTED).get()
    assert event.actor == registrar and event.borrower_code == borrower_a.code
    assert event.detail["to_library"] == library_b.pk


def test_a_request_to_the_borrowers_own_library_is_refused(borrower_a, library_a, registrar):
    with pytest.raises(TransferRefused) as refused:
        TransferRequest.request(borrower_a, to_library=library_a, by=registrar)
    assert refused.value.code == "same_library"
    assert not TransferRequest.objects.exists()
    assert not OutgoingMail.objects.exists()


def test_a_request_to_an_inactive_library_is_refused(borrower_a, registrar):
    closed = LibraryFactory(active=False)
    with pytest.raises(TransferRefused):
        TransferRequest.request(borrower_a, to_library=closed, by=registrar)


def test_a_request_may_name_a_branch_of_another_library(borrower_a, library_b, registrar):
    branch_b = LibraryFactory(parent=library_b)
    transfer = TransferRequest.request(borrower_a, to_library=branch_b, by=registrar)
    assert transfer.to_library == branch_b


def test_a_second_pending_request_is_refused_with_a_clear_error(
    transfer, borrower_a, library_c, registrar
):
    with pytest.raises(TransferRefused) as refused:
        TransferRequest.request(borrower_a, to_library=library_c, by=registrar)
    assert refused.value.code == "already_pending"
    assert TransferRequest.objects.count() == 1


def test_a_request_that_loses_a_race_is_a_clear_error_not_an_integrity_error(
    transfer, borrower_a, library_c, registrar, monkeypatch
):
    # The other request committed after this one's check: only the constraint sees it.
    monkeypatch.setattr(TransferRequestQuerySet, "pending", lambda self: self.none())
    with pytest.raises(TransferRefused) as refused:
        TransferRequest.request(borrower_a, to_library=library_c, by=registrar)
    assert refused.value.code == "already_pending"


def test_the_database_allows_one_pending_request_per_borrower(transfer, library_c):
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferRequest.objects.create(
            borrower=transfer.borrower, from_library=transfer.from_library, to_library=library_c
        )


def test_a_decided_request_does_not_block_a_new_one(transfer, borrower_a, library_c, registrar):
    assert transfer.cancel(by=registrar)
    again = TransferRequest.request(borrower_a, to_library=library_c, by=registrar)
    assert again.is_pending


def test_a_borrower_may_request_on_their_own(borrower_a, library_b):
    transfer = TransferRequest.request(borrower_a, to_library=library_b, by=None)
    assert transfer.requested_by is None
    assert events(Action.TRANSFER_REQUESTED).get().actor is None


# -- accept / reject / cancel --------------------------------------------------


def test_accepting_moves_the_borrower_and_tells_them(transfer, borrower_a, library_b, registrar_b):
    assert transfer.accept(by=registrar_b) is True

    borrower_a.refresh_from_db()
    assert borrower_a.library == library_b
    transfer.refresh_from_db()
    assert transfer.status == Status.ACCEPTED
    assert transfer.decided_by == registrar_b and transfer.decided_at
    assert mails(MailKind.TRANSFER_ACCEPTED) == [borrower_a.email]
    event = events(Action.TRANSFER_ACCEPTED).get()
    assert event.actor == registrar_b and event.library == library_b
    assert event.fields == ["library"]


def test_accepting_a_request_to_a_branch_moves_the_borrower_to_the_branch(
    borrower_a, library_b, registrar, registrar_b
):
    branch_b = LibraryFactory(parent=library_b)
    transfer = TransferRequest.request(borrower_a, to_library=branch_b, by=registrar)
    assert transfer.accept(by=registrar_b)
    borrower_a.refresh_from_db()
    assert borrower_a.library == branch_b


def test_accepting_keeps_a_concurrent_edit_of_other_fields(transfer, borrower_a, registrar_b):
    Borrower.objects.filter(pk=borrower_a.pk).update(first_name="Annie")
    transfer.accept(by=registrar_b)  # `transfer.borrower` still says Anna
    borrower_a.refresh_from_db()
    assert borrower_a.first_name == "Annie"


def test_rejecting_keeps_the_borrower_and_tells_them(transfer, borrower_a, library_a, registrar_b):
    assert transfer.reject(by=registrar_b) is True
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_a
    assert TransferRequest.objects.get().status == Status.REJECTED
    assert mails(MailKind.TRANSFER_REJECTED) == [borrower_a.email]
    assert events(Action.TRANSFER_REJECTED).get().actor == registrar_b


@pytest.mark.parametrize(
    ("first", "second"),
    [("accept", "accept"), ("accept", "reject"), ("reject", "accept"), ("cancel", "accept")],
)
def test_a_second_decision_returns_false_and_changes_nothing(
    transfer, registrar, registrar_b, first, second
):
    deciders = {"accept": registrar_b, "reject": registrar_b, "cancel": registrar}
    other_copy = TransferRequest.objects.get(pk=transfer.pk)  # loaded before the decision
    assert getattr(transfer, first)(by=deciders[first]) is True
    mail_count, event_count = OutgoingMail.objects.count(), AuditEvent.objects.count()
    library = Borrower.objects.get(pk=transfer.borrower_id).library_id

    assert getattr(other_copy, second)(by=deciders[second]) is False

    assert other_copy.status == transfer.status  # refreshed to the winner's
    assert OutgoingMail.objects.count() == mail_count
    assert AuditEvent.objects.count() == event_count
    assert Borrower.objects.get(pk=transfer.borrower_id).library_id == library


def test_withdrawing_sends_no_mail_and_is_audited(transfer, borrower_a, library_a, registrar):
    assert transfer.cancel(by=registrar) is True
    assert TransferRequest.objects.get().status == Status.CANCELLED
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_a
    assert OutgoingMail.objects.filter(kind=MailKind.TRANSFER_REQUESTED).count() == 1
    assert OutgoingMail.objects.count() == 1
    assert events(Action.TRANSFER_CANCELLED).get().detail["reason"] == "withdrawn"


def test_deleting_the_borrower_deletes_their_requests(transfer, borrower_a):
    borrower_a.delete()
    assert not TransferRequest.objects.exists()


# -- scoping querysets --------------------------------------------------------


def test_incoming_for_holds_pending_requests_to_the_library_and_its_branches(
    transfer, borrower_a, library_b, registrar, registrar_b, library_c
):
    branch_b = LibraryFactory(parent=library_b)
    to_branch = TransferRequest.request(
        BorrowerFactory(library=library_c), to_library=branch_b, by=None
    )
    elsewhere = TransferRequest.request(
        BorrowerFactory(library=library_b), to_library=library_c, by=None
    )
    decided = TransferRequest.request(
        BorrowerFactory(library=library_c), to_library=library_b, by=None
    )
    decided.reject(by=registrar_b)

    assert set(TransferRequest.objects.incoming_for(registrar_b)) == {transfer, to_branch}
    assert elsewhere not in TransferRequest.objects.incoming_for(registrar_b)
    assert not TransferRequest.objects.incoming_for(registrar).exists()


def test_outgoing_for_holds_pending_requests_of_the_librarys_borrowers(
    transfer, registrar, registrar_b
):
    assert list(TransferRequest.objects.outgoing_for(registrar)) == [transfer]
    assert not TransferRequest.objects.outgoing_for(registrar_b).exists()


def test_staff_without_registrar_rights_see_no_requests(transfer, mediator, mtm_staff):
    for person in (mediator, mtm_staff):
        assert not TransferRequest.objects.incoming_for(person).exists()
        assert not TransferRequest.objects.outgoing_for(person).exists()


# -- pull ------------------------------------------------------------------------


def pull(borrower, by, **kwargs):
    kwargs.setdefault("to_library", by.library)
    kwargs.setdefault("email", borrower.email)
    kwargs.setdefault("consent", True)
    return TransferRequest.pull(borrower, by=by, **kwargs)


def test_pulling_moves_the_borrower_at_once_and_records_the_consent(
    borrower_a, library_a, library_b, registrar_b, mailoutbox
):
    record = pull(borrower_a, registrar_b)

    borrower_a.refresh_from_db()
    assert borrower_a.library == library_b
    assert record.pulled and record.status == Status.ACCEPTED
    assert record.from_library == library_a and record.to_library == library_b
    assert record.decided_by == registrar_b and record.decided_at  # who confirmed, when
    assert mails(MailKind.TRANSFER_PULLED) == [borrower_a.email]
    assert library_b.name in mailoutbox[-1].subject
    event = events(Action.TRANSFER_PULLED).get()
    assert event.actor == registrar_b and event.detail["consent"] is True


def test_pulling_cancels_a_pending_request(
    transfer, borrower_a, registrar_b, registrar_c, library_c
):
    pull(borrower_a, registrar_c)

    transfer.refresh_from_db()
    assert transfer.status == Status.CANCELLED and transfer.decided_by == registrar_c
    assert events(Action.TRANSFER_CANCELLED).get().detail["reason"] == "pulled"
    assert transfer.accept(by=registrar_b) is False
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_c


def test_pulling_into_a_branch_of_ones_own_library(borrower_b, branch_a, registrar):
    pull(borrower_b, registrar, to_library=branch_a)
    borrower_b.refresh_from_db()
    assert borrower_b.library == branch_a


def test_pulling_needs_the_borrowers_consent(borrower_a, library_a, registrar_b):
    with pytest.raises(TransferRefused) as refused:
        pull(borrower_a, registrar_b, consent=False)
    assert refused.value.code == "consent"
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_a


def test_pulling_only_into_ones_own_libraries(borrower_a, library_c, registrar_b):
    with pytest.raises(TransferRefused) as refused:
        pull(borrower_a, registrar_b, to_library=library_c)
    assert refused.value.code == "not_own"


def test_pulling_ones_own_borrower_is_refused(borrower_a, branch_a, registrar):
    with pytest.raises(TransferRefused) as refused:
        pull(borrower_a, registrar, to_library=branch_a)
    assert refused.value.code == "same_library"


def test_a_protected_identity_cannot_be_pulled(registrar_b, library_b):
    hidden = BorrowerFactory(protected=True)
    with pytest.raises(TransferRefused):
        pull(hidden, registrar_b, to_library=library_b)


def test_pulling_may_change_the_email_and_tells_the_old_address_too(borrower_a, registrar_b):
    old = borrower_a.email
    pull(borrower_a, registrar_b, email="  anna.ny@post.example ")
    borrower_a.refresh_from_db()
    assert borrower_a.email == "anna.ny@post.example"
    assert sorted(mails(MailKind.TRANSFER_PULLED)) == sorted(["anna.ny@post.example", old])
    assert events(Action.TRANSFER_PULLED).get().fields == ["email", "library"]


def test_pulling_to_a_taken_email_is_refused_and_changes_nothing(
    transfer, borrower_a, borrower_b, library_a, registrar_c
):
    with pytest.raises(TransferRefused) as refused:
        pull(borrower_a, registrar_c, email=borrower_b.email.upper())
    assert "email" in refused.value.error_dict
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_a
    transfer.refresh_from_db()
    assert transfer.is_pending  # the cancellation was rolled back with the rest


def test_an_email_taken_a_moment_ago_is_caught_by_the_database(
    borrower_a, borrower_b, library_a, registrar_b, monkeypatch
):
    monkeypatch.setattr("transfers.models.check_borrower_email", lambda email, **kwargs: email)
    with pytest.raises(TransferRefused) as refused:
        pull(borrower_a, registrar_b, email=borrower_b.email)
    assert "email" in refused.value.error_dict
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_a
