"""*Flytta alla låntagare*: a library's borrowers move to another library in the
worker, a batch at a time through MTM's move (TransferRequest.move_many_by_mtm,
whose one borrower is TransferRequest.move_by_mtm: the same rule and the same
records, each move audited and mailed, a pending request withdrawn).

A batch is a fixed number of queries however large (12 statements): the batch
picked and locked here (SELECT … FOR UPDATE, which skips a borrower pulled away
meanwhile), read fresh under its locks by the move, its pending requests fetched,
locked and withdrawn in one UPDATE with one INSERT of their events, the borrowers
moved in one UPDATE, and one write each of the pulled transfer rows, the audit
events (audit.log.record_many, a COPY on PostgreSQL) and the mails
(notifications.mail.queue_mails: the rows, and one task that gives each mail its
own delivery task in the worker). 10,000 borrowers in 3 to 4 s on PostgreSQL
(make bench-move, docs/performance.md).

Resumable and exactly-once: the job (LibraryMove) is processed in batches by
borrower id; each batch's moves, their mails and the job's progress commit in one
transaction, with the job row locked (one worker at a time). A worker killed
mid-batch leaves nothing of that batch behind, and the next run starts after the
last whole batch. A borrower already moved is no longer at the library, so is
never picked again. Protected identities belong to no library and are untouched.
When every borrower has moved, requests addressed to the library go to the new
one, and the chosen deactivations are made.
"""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from accounts.models import StaffUser
from borrowers.models import Borrower

from .models import LibraryMove, LibraryMoveStatus, TransferRequest

BATCH_SIZE = 500


def counts(library) -> dict:
    """What the confirmation page tells before a move of everyone."""
    return {
        "borrowers": Borrower.objects.with_library().filter(library=library).count(),
        "requests_from": TransferRequest.objects.pending().filter(from_library=library).count(),
        "requests_to": TransferRequest.objects.pending().filter(to_library=library).count(),
        "staff": StaffUser.objects.filter(library=library, is_active=True).count(),
    }


def start(*, from_library, to_library, by, deactivate_staff: bool, deactivate_library: bool):
    """Create the job and hand it to the worker (in the caller's transaction)."""
    with transaction.atomic():
        job = LibraryMove.objects.create(
            from_library=from_library,
            to_library=to_library,
            requested_by=by,
            total=Borrower.objects.with_library().filter(library=from_library).count(),
            deactivate_staff=deactivate_staff,
            deactivate_library=deactivate_library,
        )
        run_library_move.enqueue(job.pk)
    return job


@task()
def run_library_move(job_id: int, *, batch_size: int = BATCH_SIZE) -> str:
    """Run (or resume) a job to its end, one batch per transaction."""
    while True:
        result = run_batch(job_id, batch_size=batch_size)
        if result != "more":
            return result


def run_batch(job_id: int, *, batch_size: int = BATCH_SIZE) -> str:
    """One batch: "more" while borrowers remain, then "done" (or "gone")."""
    with transaction.atomic():
        job = (
            LibraryMove.objects.select_for_update(of=("self",))
            .select_related("from_library", "to_library", "requested_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None:
            return "gone"
        if job.status == LibraryMoveStatus.DONE:
            return "done"
        # Locked as they are picked: one that a registrar pulls away meanwhile is
        # skipped (PostgreSQL re-checks the WHERE clause after waiting for its lock).
        batch = list(
            Borrower.objects.with_library()
            .filter(library=job.from_library, pk__gt=job.last_borrower)
            .select_for_update(of=("self",))
            .only("pk")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            _finish(job)
            return "done"
        TransferRequest.move_many_by_mtm(batch, to_library=job.to_library, by=job.requested_by)
        job.status = LibraryMoveStatus.RUNNING
        job.last_borrower = batch[-1].pk
        job.moved += len(batch)
        job.save(update_fields=["status", "last_borrower", "moved"])
        return "more"


def _finish(job: LibraryMove) -> None:
    """Inside the last transaction: requests addressed to the library go to the new
    one (one that came from the new library is withdrawn), then the deactivations."""
    addressed = TransferRequest.objects.pending().filter(to_library=job.from_library)
    for request in addressed.filter(from_library=job.to_library):
        request.cancel(by=job.requested_by, reason="library_closed")
    addressed.exclude(from_library=job.to_library).update(to_library=job.to_library)
    if job.deactivate_staff:
        StaffUser.objects.filter(library=job.from_library).update(is_active=False)
    if job.deactivate_library:
        type(job.from_library).objects.filter(pk=job.from_library.pk).update(active=False)
    job.status = LibraryMoveStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
