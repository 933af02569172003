"""*Flytta alla låntagare*: MTM moves every borrower of a library to another, in the
worker, a batch at a time through MTM's move; resumable and exactly-once."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent
from borrowers.models import Borrower
from libraries.models import Library
from notifications.models import MailKind, OutgoingMail
from tests.factories import BorrowerFactory, StaffFactory
from transfers import bulk
from transfers.models import (
    LibraryMove,
    LibraryMoveStatus,
    Status,
    TransferRefused,
    TransferRequest,
)

pytestmark = pytest.mark.django_db


def url(library):
    return reverse("admin:libraries_library_move_all", args=[library.pk])


@pytest.fixture
def closing(branch_a, library_c, registrar_b, library_b):
    """A branch with three borrowers (one asking to move to C), a request to it from
    B, a staff account; and a protected identity, who belongs to no library."""
    people = BorrowerFactory.create_batch(3, library=branch_a)
    asking = TransferRequest.request(people[0], to_library=library_c, by=None)
    incoming_for = BorrowerFactory(library=library_b)
    incoming = TransferRequest.request(incoming_for, to_library=branch_a, by=registrar_b)
    staff = StaffFactory(email="filial@a.example", library=branch_a)
    protected = BorrowerFactory(protected=True)
    return {
        "people": people,
        "asking": asking,
        "incoming": incoming,
        "staff": staff,
        "protected": protected,
    }


def test_a_branch_moves_to_its_main_library_from_the_admin(
    mtm_client, mtm_user, branch_a, library_a, closing
):
    page = mtm_client.get(url(branch_a))
    assert page.status_code == 200
    assert page.context["form"].initial["to_library"] == library_a.pk

    confirm = mtm_client.post(url(branch_a), {"to_library": library_a.pk})
    assert confirm.status_code == 200
    assert confirm.context["counts"] == {
        "borrowers": 3,
        "requests_from": 1,
        "requests_to": 1,
        "staff": 1,
    }
    assert not LibraryMove.objects.exists()

    done = mtm_client.post(
        url(branch_a),
        {
            "to_library": library_a.pk,
            "confirm": "1",
            "deactivate_staff": "on",
            "deactivate_library": "on",
        },
    )
    assert done.status_code == 302

    job = LibraryMove.objects.get()
    assert (job.status, job.moved, job.total) == (LibraryMoveStatus.DONE, 3, 3)
    people = closing["people"]
    assert set(Borrower.objects.filter(library=library_a)) == set(people)
    for person in people:
        assert (
            OutgoingMail.objects.filter(kind=MailKind.TRANSFER_PULLED, to=person.email).count() == 1
        )
        assert (
            AuditEvent.objects.filter(
                action=Action.TRANSFER_PULLED, borrower_code=person.code, actor=mtm_user
            ).count()
            == 1
        )
    closing["asking"].refresh_from_db()
    assert closing["asking"].status == Status.CANCELLED
    closing["incoming"].refresh_from_db()
    assert closing["incoming"].is_pending and closing["incoming"].to_library == library_a
    closing["staff"].refresh_from_db()
    assert not closing["staff"].is_active
    assert not Library.objects.get(pk=branch_a.pk).active
    protected = Borrower.objects.get(pk=closing["protected"].pk)
    assert protected.library is None and protected.updated_at == closing["protected"].updated_at

    change = mtm_client.get(reverse("admin:libraries_library_change", args=[branch_a.pk]))
    assert "3 av 3 låntagare flyttade" in change.content.decode()


def test_a_killed_job_resumes_without_moving_or_mailing_anyone_twice(
    mtm_user, branch_a, library_a, monkeypatch
):
    people = BorrowerFactory.create_batch(5, library=branch_a)
    job = LibraryMove.objects.create(
        from_library=branch_a,
        to_library=library_a,
        requested_by=mtm_user,
        total=5,
        deactivate_staff=False,
        deactivate_library=False,
    )
    real_move = TransferRequest.move_many_by_mtm.__func__
    calls = []

    def dying(cls, borrowers, **kwargs):
        calls.append([borrower.pk for borrower in borrowers])
        moved = real_move(cls, borrowers, **kwargs)
        if len(calls) == 2:  # the worker dies in the middle of the second batch
            raise SystemExit("killed")
        return moved

    monkeypatch.setattr(TransferRequest, "move_many_by_mtm", classmethod(dying))
    assert bulk.run_batch(job.pk, batch_size=2) == "more"
    with pytest.raises(SystemExit):
        bulk.run_batch(job.pk, batch_size=2)
    job.refresh_from_db()
    assert (job.moved, job.status) == (2, LibraryMoveStatus.RUNNING)
    assert Borrower.objects.filter(library=library_a).count() == 2
    assert OutgoingMail.objects.filter(kind=MailKind.TRANSFER_PULLED).count() == 2

    monkeypatch.undo()
    assert bulk.run_library_move.call(job.pk) == "done"
    job.refresh_from_db()
    assert (job.moved, job.status) == (5, LibraryMoveStatus.DONE)
    assert Borrower.objects.filter(library=library_a).count() == 5
    for person in people:
        assert (
            OutgoingMail.objects.filter(kind=MailKind.TRANSFER_PULLED, to=person.email).count() == 1
        )
        assert TransferRequest.objects.filter(borrower=person, pulled=True).count() == 1
    # Run again: nothing more happens.
    assert bulk.run_library_move.call(job.pk) == "done"
    assert OutgoingMail.objects.filter(kind=MailKind.TRANSFER_PULLED).count() == 5


def test_moving_all_needs_its_permission(client, branch_a, library_a):
    staff = StaffFactory(email="utan@mtm.example", library=None, role="", is_staff=True)
    group = Group.objects.get(name="MTM-personal")
    staff.user_permissions.set(group.permissions.exclude(codename="add_librarymove"))
    client.force_login(staff)
    BorrowerFactory(library=branch_a)
    assert client.get(url(branch_a)).status_code == 403
    data = {"to_library": library_a.pk, "confirm": "1"}
    assert client.post(url(branch_a), data).status_code == 403
    assert not LibraryMove.objects.exists()


def test_the_library_itself_and_inactive_ones_are_refused(mtm_client, branch_a, library_c):
    library_c.active = False
    library_c.save()
    for target in (branch_a, library_c):
        response = mtm_client.post(url(branch_a), {"to_library": target.pk, "confirm": "1"})
        assert response.status_code == 200 and 'class="errornote"' in response.content.decode()
    assert not LibraryMove.objects.exists()


def _left_by_the_move(borrower):
    """What a move by MTM left for one borrower: their transfer rows, audit events and
    mails, with their own ids and times replaced by what they point to."""
    borrower = Borrower.objects.get(pk=borrower.pk)
    transfers = list(TransferRequest.objects.filter(borrower=borrower).order_by("pk"))
    names = {str(t.code): "the move" if t.pulled else "the request" for t in transfers}
    names |= {t.pk: "the move" if t.pulled else "the request" for t in transfers}
    rows = [
        (
            t.from_library_id,
            t.to_library_id,
            t.requested_by_id,
            t.status,
            t.decided_by_id,
            t.decided_at is not None,
            t.pulled,
        )
        for t in transfers
    ]
    events = [
        (
            e.action,
            e.actor_id,
            e.actor_role,
            e.library_id,
            e.fields,
            {k: names.get(v, v) if k == "transfer" else v for k, v in e.detail.items()},
        )
        for e in AuditEvent.objects.filter(borrower_code=borrower.code).order_by("at", "pk")
    ]
    mails = [
        (
            m.kind,
            m.language,
            m.status,
            {k: names.get(v, v) if k == "transfer" else v for k, v in m.context.items()},
        )
        for m in OutgoingMail.objects.filter(to=borrower.email).order_by("pk")
    ]
    return borrower.library_id, rows, events, mails


def test_a_batch_writes_for_each_borrower_what_a_single_move_writes(
    mtm_user, branch_a, library_a, library_c
):
    """The batch (move_many_by_mtm) and MTM's single move (move_by_mtm) leave the same
    rows, audit events (a withdrawn request's too) and mails, borrower by borrower."""
    single, *batched = BorrowerFactory.create_batch(4, library=branch_a, language="en")
    for person in (single, batched[1]):
        TransferRequest.request(person, to_library=library_c, by=None)

    TransferRequest.move_by_mtm(single, to_library=library_a, by=mtm_user)
    moved = TransferRequest.move_many_by_mtm(batched, to_library=library_a, by=mtm_user)

    assert [t.borrower_id for t in moved] == sorted(b.pk for b in batched)
    assert _left_by_the_move(batched[1]) == _left_by_the_move(single)
    library, rows, events, mails = _left_by_the_move(single)
    assert library == library_a.pk
    assert [e[0] for e in events] == [
        Action.TRANSFER_REQUESTED,
        Action.TRANSFER_CANCELLED,
        Action.TRANSFER_PULLED,
    ]
    assert events[1][-1]["reason"] == "moved_by_mtm"
    assert events[2][-1] == {
        "by": "mtm",
        "from_library": branch_a.pk,
        "transfer": "the move",
    }
    assert mails[-1][:2] == (MailKind.TRANSFER_PULLED, "en")
    assert mails[-1][-1] == {"transfer": "the move", "by_mtm": True}
    # Without a pending request: the same as the single move's pull alone.
    for person in (batched[0], batched[2]):
        assert _left_by_the_move(person) == (library, rows[1:], events[2:], mails[1:])


def test_a_batch_with_one_borrower_who_cannot_move_moves_nobody(mtm_user, branch_a, library_a):
    people = BorrowerFactory.create_batch(2, library=branch_a)
    already = BorrowerFactory(library=library_a)
    with pytest.raises(TransferRefused) as refused:
        TransferRequest.move_many_by_mtm([*people, already], to_library=library_a, by=mtm_user)
    assert refused.value.code == "same_library"
    assert Borrower.objects.filter(library=branch_a).count() == 2
    assert not TransferRequest.objects.exists()
    assert not OutgoingMail.objects.filter(kind=MailKind.TRANSFER_PULLED).exists()


def test_a_batch_takes_the_same_number_of_queries_for_3_and_30_borrowers(
    mtm_user, branch_a, library_a, library_c, settings
):
    # The tasks are counted as enqueued, not run (the worker delivers the mail later).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    def move(size):
        people = BorrowerFactory.create_batch(size, library=branch_a)
        for person in people[::3]:
            TransferRequest.request(person, to_library=library_c, by=None)
        with CaptureQueriesContext(connection) as queries:
            TransferRequest.move_many_by_mtm(people, to_library=library_a, by=mtm_user)
        return len(queries)

    assert move(3) == move(30)
