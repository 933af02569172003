from django.core.management.base import BaseCommand

from portal.demo import seed


class Command(BaseCommand):
    help = (
        "Create the demo libraries, staff accounts and borrowers listed in the README. "
        "Idempotent: running it again brings the demo data back to its original state "
        "without duplicating anything. Uses only Skatteverket's reserved test numbers."
    )

    def handle(self, *args, **options):
        made = seed()
        self.stdout.write(f"Demo data ready: {made['libraries']} libraries.")
