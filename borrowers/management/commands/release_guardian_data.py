from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from borrowers.coming_of_age import BATCH_SIZE, release_guardian_data


class Command(BaseCommand):
    help = (
        "Remove the guardian's name and date of birth from every account whose holder "
        "has turned 18, audit it and mail the borrower that the account is now theirs, "
        "with the agreement text. Run it daily from cron. Idempotent: a rerun, or two "
        "copies at once, changes and mails each borrower once; missed days are caught up. "
        "LMA accounts (no birth date) are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="change and send nothing; list the internal code of each borrower who is due",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"borrowers per transaction (default {BATCH_SIZE})",
        )

    def handle(self, *args, dry_run, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")

        def would_release(borrower):
            # Only the internal code: cron output ends up in mailboxes and logs.
            self.stdout.write(f"Would remove the guardian data of {borrower.code}")

        count = release_guardian_data(
            today=timezone.localdate(),
            batch_size=batch_size,
            dry_run=dry_run,
            on_due=would_release,
        )
        verb = "Would remove" if dry_run else "Removed"
        noun = "account" if count == 1 else "accounts"
        self.stdout.write(f"{verb} the guardian data of {count} {noun}.")
