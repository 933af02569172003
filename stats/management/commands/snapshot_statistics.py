from django.core.management.base import BaseCommand
from django.utils import timezone

from stats.snapshot import count_months, days_to_take, take_snapshot


class Command(BaseCommand):
    help = (
        "Store every library's borrower figures for today, and for days missed since "
        "the last run, and count the audit log's events per library and complete month "
        "again. Safe to run again: a stored day is left as it is."
    )

    def handle(self, *args, **options):
        days = days_to_take(timezone.localdate())
        rows = sum(take_snapshot(day) for day in days)
        # Counts and dates only: cron output ends up in mailboxes.
        span = f"{days[0]:%Y-%m-%d} – {days[-1]:%Y-%m-%d}" if days else "-"
        self.stdout.write(f"Stored {rows} library snapshots for {len(days)} days ({span}).")
        counted = count_months(timezone.localdate())
        self.stdout.write(f"Counted the audit log's complete months: {counted} rows.")
