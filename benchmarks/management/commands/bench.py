from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import override_settings

from benchmarks.runner import (
    REMINDER_DUE,
    BenchError,
    format_report,
    run_memory,
    run_pages,
    run_reminders,
    write_json,
)


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


class Command(BaseCommand):
    help = (
        "Time every registrar page (and the admin's borrower list and search) server-side, "
        "in-process, against a database filled by seed_scale, as the registrar of its large "
        "library; time send_expiry_reminders for 10,000 due borrowers (rolled back); and "
        "measure the peak memory of the reminder command and of db_worker --batch at two "
        "sizes, as subprocesses. Prints a table; see docs/performance.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--iterations", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument(
            "--reminders",
            type=int,
            default=REMINDER_DUE,
            help="due borrowers for the timed reminder run (0: skip)",
        )
        parser.add_argument(
            "--memory-reminders",
            default="1000,10000",
            help="due borrowers for the two memory runs (empty: skip)",
        )
        parser.add_argument(
            "--memory-mails",
            default="200,1000",
            help="queued mails for the two worker memory runs (empty: skip)",
        )
        parser.add_argument("--json", help="also write the figures to this file")

    def handle(
        self, *args, iterations, warmup, reminders, memory_reminders, memory_mails, json, **options
    ):
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench measures PostgreSQL, the production database: set DATABASE_URL to a "
                "database filled by seed_scale (make bench does both)."
            )
        hosts = ["testserver", *self._hosts()]
        try:
            with override_settings(ROOT_URLCONF="benchmarks.urls", ALLOWED_HOSTS=hosts):
                self.stdout.write("Pages:")
                report = run_pages(iterations=iterations, warmup=warmup, log=self.stdout.write)
            if reminders:
                self.stdout.write("Reminders:")
                report.reminders = run_reminders(due=reminders, log=self.stdout.write)
            if memory_reminders or memory_mails:
                self.stdout.write("Memory:")
                report.memory = run_memory(
                    _sizes(memory_reminders), mails=_sizes(memory_mails), log=self.stdout.write
                )
        except BenchError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("")
        self.stdout.write(format_report(report))
        if json:
            write_json(report, json)

    @staticmethod
    def _hosts():
        from django.conf import settings

        return list(settings.ALLOWED_HOSTS)
