from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacy.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Apply the retention rules (settings RETENTION_*, docs/privacy.md): list expired "
        "accounts for deletion, delete those listed for the whole warning period, remove "
        "old audit events (anonymising a borrower's created/deleted events) and old mail "
        "rows. Run it daily from cron. Idempotent; prints one line of counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="change nothing; count what would change"
        )

    def handle(self, *args, dry_run, **options):
        # PostgreSQL's append-only trigger refuses anything younger (audit migration 0002).
        if settings.RETENTION_AUDIT_YEARS < 1:
            raise CommandError("RETENTION_AUDIT_YEARS must be 1 or more.")
        if settings.RETENTION_EXPIRED_MONTHS < 1 or settings.RETENTION_WARNING_DAYS < 1:
            raise CommandError(
                "RETENTION_EXPIRED_MONTHS and RETENTION_WARNING_DAYS must be 1 or more."
            )
        run = apply_retention(today=timezone.localdate(), now=timezone.now(), dry_run=dry_run)
        self.stdout.write(run.summary(dry_run=dry_run))
