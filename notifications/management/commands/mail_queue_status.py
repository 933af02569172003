"""For a monitoring cron: exits 1 when mail has waited longer than the threshold.

    */10 * * * * cd /srv/registry && .venv/bin/python manage.py mail_queue_status -v 0

Prints counts and an age only, never a recipient.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.health import oldest_queued_age, queue_is_late
from notifications.models import MailStatus, OutgoingMail


class Command(BaseCommand):
    help = "Exit non-zero when queued mail has waited longer than --max-age-minutes"

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age-minutes",
            type=int,
            default=None,
            help="default: the MAIL_QUEUE_MAX_AGE_MINUTES setting (30)",
        )

    def handle(self, *, max_age_minutes, verbosity, **options):
        limit = settings.MAIL_QUEUE_MAX_AGE_MINUTES if max_age_minutes is None else max_age_minutes
        age = oldest_queued_age()
        queued = OutgoingMail.objects.filter(status=MailStatus.QUEUED).count()
        failed = OutgoingMail.objects.filter(
            status=MailStatus.FAILED, created_at__gte=timezone.now() - timedelta(days=1)
        ).count()
        minutes = 0 if age is None else int(age.total_seconds() // 60)
        summary = (
            f"{queued} mail queued, the oldest for {minutes} min (limit {limit} min); "
            f"{failed} failed in the last 24 h."
        )
        if queue_is_late(age, limit):
            raise CommandError(f"Mail is late: {summary} Is the worker running?", returncode=1)
        if verbosity:
            self.stdout.write(summary)
