from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from libraries.directory import (
    FetchFailed,
    fetch,
    is_url,
    suggestions,
    sync,
    write_csv,
    write_report,
)
from libraries.models import DirectorySync


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("Write the day as YYYY-MM-DD, for example 2026-01-31.")) from error


class Command(BaseCommand):
    help = (
        "Keep the libraries in step with Biblioteksdatabasen (docs/libraries.md). SOURCE is "
        "the API's base URL (every page of dump=true is read) or a saved answer: a JSON "
        "file with one answer or a list of answers, or a directory of such files."
    )

    def add_arguments(self, parser):
        parser.add_argument("source")
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--since", type=_day, help="Only libraries changed since this day (API only)."
        )
        when.add_argument(
            "--since-last-success",
            action="store_true",
            help="Only libraries changed since the day of the last successful API run "
            "(the whole directory when there is none).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Write nothing.")
        parser.add_argument("--report", metavar="FILE", help="Every row's outcome as CSV.")
        parser.add_argument(
            "--suggest",
            action="store_true",
            help="Change nothing: list the directory entries matching each library "
            "without a sigel.",
        )

    def handle(self, source, since, since_last_success, dry_run, report, suggest, **options):
        if (since or since_last_success) and not is_url(source):
            raise CommandError(_("--since asks the API: give its base URL as SOURCE."))
        if since_last_success:
            last = DirectorySync.objects.last_success_from_api()
            since = timezone.localdate(last.started_at) if last else None
        try:
            if suggest:
                return self._suggest(fetch(source, since=since), report)
            result = sync(source, since=since, dry_run=dry_run)
        except FetchFailed as error:
            raise CommandError(_("Nothing was changed: %(reason)s") % {"reason": error}) from error
        if report:
            write_report(report, result)
        if remarks := result.remarks():
            self.stdout.write(remarks)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        self.stdout.write(result.summary())

    def _suggest(self, records, report):
        rows = []
        for suggestion in suggestions(records):
            library = suggestion.library
            place = library.municipality_name or library.county.name
            if not suggestion.entries:
                self.stdout.write(f"{library.name} ({place}): " + _("no match"))
                rows.append([library.pk, library.name, place, "", ""])
            for entry in suggestion.entries:
                self.stdout.write(f"{library.name} ({place}): {entry.sigel} – {entry.name}")
                rows.append([library.pk, library.name, place, entry.sigel, entry.name])
        if report:
            write_csv(
                report,
                [
                    _("Id"),
                    _("Library"),
                    _("Place"),
                    _("Suggested sigel"),
                    _("Name in the directory"),
                ],
                rows,
            )
