"""Recover mail whose worker died while sending it.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at
it again: a worker killed mid-send (SIGKILL, out of memory, the host lost) leaves
the task RUNNING for ever and its mail *I kö*. A claim is therefore a lease:
a delivery task claimed longer ago than MAIL_LEASE_SECONDS is made READY again
and the next worker delivers it.

The lease is longer than any send can take (EMAIL_TIMEOUT per SMTP step), and
deliver_mail holds the mail's row lock while it sends: should a live but slow
worker still be sending when its lease runs out, the second attempt waits for
that lock, then finds the mail sent and skips it. See docs/operations.md, "Mail".
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

#: Tasks that are safe to run again: each checks the mail's status under its row lock.
RECOVERABLE_TASKS = (
    "notifications.mail.deliver_mail",
    "notifications.mail.enqueue_deliveries",
)


def requeue_stale_tasks(now=None) -> int:
    """Make delivery tasks whose lease has run out READY again; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.MAIL_LEASE_SECONDS)
    count = DBTaskResult.objects.filter(
        status="RUNNING", task_path__in=RECOVERABLE_TASKS, started_at__lt=cutoff
    ).update(status="READY")
    if count:
        logger.warning("Requeued %s mail task(s) whose worker stopped while sending", count)
    return count
