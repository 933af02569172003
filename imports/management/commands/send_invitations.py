"""manage.py send_invitations [--per-hour N] [--library SIGEL] [--dry-run]

Run every hour (cron): queues at most N set-password invitations an hour
(default 2,000) to imported accounts without a usable password that have not
been invited (imports/invitations.py, docs/import.md).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

from imports.invitations import DEFAULT_PER_HOUR, send_invitations, waiting
from libraries.models import Library


class Command(BaseCommand):
    help = "Queue this hour's set-password invitations to imported accounts."

    def add_arguments(self, parser):
        parser.add_argument("--per-hour", type=int, default=DEFAULT_PER_HOUR)
        parser.add_argument("--library", metavar="SIGEL")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, per_hour, library, dry_run, **options):
        translation.activate("sv")
        if per_hour < 1:
            raise CommandError(gettext("--per-hour must be at least 1."))
        chosen = None
        if library:
            chosen = Library.objects.with_sigel(library).first()
            if chosen is None:
                raise CommandError(
                    gettext("No library has the sigel %(sigel)s.") % {"sigel": library}
                )
        count = send_invitations(per_hour=per_hour, library=chosen, dry_run=dry_run)
        left = waiting(chosen).count() - (count if dry_run else 0)
        message = gettext("Invitations queued: %(count)s · Still to invite: %(left)s") % {
            "count": count,
            "left": left,
        }
        if dry_run:
            message = gettext("Dry run: nothing was queued.") + " " + message
        self.stdout.write(message)
