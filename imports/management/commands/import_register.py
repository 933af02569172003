"""manage.py import_register FILE [FILE …] [--commit] [--report FILE]

Brings the old register in (docs/import.md). Without --commit it is a dry run:
everything is checked as in the real run, and nothing is written. Prints a
progress bar on a terminal and one summary line; the report holds every error
and warning (no identity number). Nothing of a row reaches the log.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

from imports.report import report_csv
from imports.run import Importer


class Command(BaseCommand):
    help = "Import staff and borrower files of the old register (a dry run without --commit)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="CSV (UTF-8, ;) or XLSX files")
        parser.add_argument("--commit", action="store_true", help="write to the registry")
        parser.add_argument("--report", help="write every error and warning to this CSV file")

    def handle(self, *args, files, commit, report, **options):
        translation.activate("sv")
        for name in files:
            if not Path(name).is_file():
                raise CommandError(gettext("No such file: %(name)s") % {"name": name})
        tty = self.stdout.isatty()
        importer = Importer(commit=commit, progress=self._bar if tty else None)
        summary = importer.run([(name, Path(name).name) for name in files])
        if tty:
            self.stdout.write("")
        if report:
            Path(report).write_text(report_csv(summary), encoding="utf-8")
        if not commit:
            self.stdout.write(gettext("Dry run: nothing was written. Add --commit to import."))
        self.stdout.write(summary.line())

    def _bar(self, done: int, total: int) -> None:
        if done % 100 and done != total:
            return
        width = 40
        filled = width * done // max(total, 1)
        self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        self.stdout.flush()
