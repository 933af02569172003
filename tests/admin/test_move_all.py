"""*Flytta alla låntagare*: MTM moves every borrower of a library to another, in the
worker, each through MTM's single move; resumable and exactly-once."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import Action, AuditEvent
from borrowers.models import Borrower
from libraries.models import Library
from notifications.models import MailKind, OutgoingMail
from tests.factories import BorrowerFactory, StaffFactory
from transfers import bulk
from transfers.models import LibraryMove, LibraryMoveStatus, Status, TransferRequest

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
    real_move = TransferRequest.move_by_mtm.__func__
    calls = []

    def dying(cls, borrower, **kwargs):
        calls.append(borrower.pk)
        if len(calls) == 3:  # the worker dies in the middle of the second batch
            raise SystemExit("killed")
        return real_move(cls, borrower, **kwargs)

    monkeypatch.setattr(TransferRequest, "move_by_mtm", classmethod(dying))
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
