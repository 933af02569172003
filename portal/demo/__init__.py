"""The demo data (`manage.py seed_demo`, which `make run` calls): every piece made
through the workflow its door uses, never by writing rows around it.

- libraries.py: the demo libraries (MTM's admin: validated, saved);
- staff.py: the README's demo accounts with their known password, and the MTM
  account's authenticator key;
- borrowers.py: the demo borrowers (Borrower.objects.register by a registrar of
  their library; a rerun resets them with update_details, protect, move_by_mtm);
- transfers.py: a pending transfer request into each demo main library
  (TransferRequest.request).

Idempotent: running it again brings the demo data back to its demo state without
duplicating anything. The demo's e-mail addresses are made up, so the mail its
workflows queue (a transfer request tells the borrower) is dropped, with its
delivery task, before the transaction commits: nothing waits in the queue, nor
runs in the worker, for a mail server that `make run` may not have.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications.models import OutgoingMail
from stats.snapshot import count_months

from .borrowers import seed_borrowers
from .libraries import seed_libraries
from .staff import seed_staff
from .transfers import seed_transfers


@transaction.atomic
def seed() -> dict[str, int]:
    """Create or reset all demo data; returns how many libraries, borrowers and new
    transfer requests there are."""
    last_mail = OutgoingMail.objects.aggregate(last=Max("pk"))["last"] or 0
    libraries = seed_libraries()
    mtm = seed_staff(libraries)
    borrowers = seed_borrowers(libraries, mtm=mtm)
    transfers = seed_transfers(libraries)  # after the borrowers: it moves some of them
    _drop_demo_mail(after=last_mail)
    # The demo registrations are recorded in past months (register(at=…)): the
    # statistics' monthly counts are counted again, so that they hold them.
    count_months(timezone.localdate())
    return {"libraries": len(libraries), "borrowers": borrowers, "transfers": transfers}


def _drop_demo_mail(*, after: int) -> None:
    """The mail queued by this run to the demo's made-up addresses, and the tasks
    that would deliver it (notifications.mail.queue_mail enqueues one per mail)."""
    mails = OutgoingMail.objects.filter(pk__gt=after, to__iendswith="@post.example")
    ids = set(mails.values_list("pk", flat=True))
    if not ids:
        return
    waiting = DBTaskResult.objects.filter(
        task_path="notifications.mail.deliver_mail", status="READY"
    ).values_list("pk", "args_kwargs")
    tasks = [pk for pk, call in waiting if (call.get("args") or [None])[0] in ids]
    DBTaskResult.objects.filter(pk__in=tasks).delete()
    mails.delete()
