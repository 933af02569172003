"""Helper of `manage.py bench`: one job in a process of its own, then its peak memory.

    bench_memory reminders --count K   send_expiry_reminders with K due borrowers,
                                       in a transaction that is rolled back
    bench_memory worker                db_worker --batch over the queued mail

The last line printed is `maxrss_kib=…` (this process's peak resident memory, VmHWM).
"""

import io
import resource

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone


class Command(BaseCommand):
    help = "Internal to `manage.py bench`: run one job and print this process's peak memory."

    def add_arguments(self, parser):
        parser.add_argument("job", choices=["reminders", "worker"])
        parser.add_argument("--count", type=int, default=1000)

    def handle(self, *args, job, count, **options):
        if job == "reminders":
            from benchmarks.runner import make_due

            with transaction.atomic():
                due = make_due(count, timezone.localdate())
                out = io.StringIO()
                call_command("send_expiry_reminders", stdout=out)
                transaction.set_rollback(True)
            self.stdout.write(f"{due} due: {out.getvalue().strip()} (rolled back)")
        else:
            from notifications.models import MailStatus, OutgoingMail

            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
            sent = OutgoingMail.objects.filter(status=MailStatus.SENT).count()
            self.stdout.write(f"{sent} mails sent (dummy backend)")
        self.stdout.write(f"maxrss_kib={peak_kib()}")


def peak_kib() -> int:
    """This process's peak resident memory. VmHWM belongs to the process's own memory
    map, which exec starts afresh; ru_maxrss may carry the parent's peak across fork
    and exec on Linux, which would hide this process's own figure."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
