from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from borrowers.policy import EXPIRY_NOTICE_DAYS
from borrowers.reminders import BATCH_SIZE, send_expiry_reminders


class Command(BaseCommand):
    help = (
        "Queue one expiry reminder mail for every borrower whose validity ends within "
        "--days days (today up to today + days, inclusive) and who has not yet been "
        "reminded for that end date. Run it daily from cron. Idempotent: running it twice, "
        "or two copies at once, sends one mail per borrower and end date; missed days are "
        "caught up, and a new end date re-arms the reminder."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=EXPIRY_NOTICE_DAYS,
            help=f"the window in days (default {EXPIRY_NOTICE_DAYS})",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="send and record nothing; list the internal code and end date of each "
            "borrower who would get a mail",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"borrowers per transaction (default {BATCH_SIZE})",
        )

    def handle(self, *args, days, dry_run, batch_size, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        today = timezone.localdate()

        def would_send(borrower):
            # Only the internal code and the date: cron output ends up in mailboxes and logs.
            self.stdout.write(
                f"Would remind {borrower.code} (ends {borrower.valid_until:%Y-%m-%d})"
            )

        run = send_expiry_reminders(
            today=today, days=days, batch_size=batch_size, dry_run=dry_run, on_due=would_send
        )
        verb = "Would queue" if dry_run else "Queued"
        noun = "reminder" if run.queued == 1 else "reminders"
        self.stdout.write(f"{verb} {run.queued} {noun}, {run.already_sent} already sent.")
