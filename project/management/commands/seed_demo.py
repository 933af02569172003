from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from borrowers.demo import seed_borrowers
from libraries.demo import seed_libraries, seed_staff
from stats.snapshot import count_months
from transfers.demo import seed_transfers


class Command(BaseCommand):
    help = (
        "Create the demo libraries, staff accounts and borrowers listed in the README. "
        "Idempotent: running it again brings the demo data back to its original state "
        "without duplicating anything. Uses only Skatteverket's reserved test numbers."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        libraries = seed_libraries()
        seed_staff(libraries)
        seed_borrowers(libraries)
        seed_transfers(libraries)  # keep after the borrowers: it picks some to move
        # The demo registrations are recorded in past months (record(at=...)): the
        # statistics' monthly counts are counted again, so that they hold them.
        count_months(timezone.localdate())
        self.stdout.write(f"Demo data ready: {len(libraries)} libraries.")
