"""manage.py bench_move --borrowers N: *Flytta alla låntagare* timed (make bench-move).

On a PostgreSQL database of its own: empties the tables a move writes, makes three
libraries (the one closing, the one taking over, a third that some borrowers have
asked to move to), an MTM staff account and N borrowers at the closing library (in
bulk), a share of them with a pending transfer request, and a few requests
addressed to the closing library. Then starts the job as the admin does
(transfers.bulk.start) and runs it as the worker does (the task's function,
run_library_move), timed; then times the worker's next step, the fan-out that
gives each queued mail its own delivery task. Prints the borrowers moved, the
seconds, the mails queued, borrowers per second and the load average, and checks
that every move left its transfer row, audit event and mail.
"""

import os
import random
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from accounts.models import Role, StaffUser
from audit.models import Action, AuditEvent
from benchmarks.seed import _Generator
from borrowers.models import Borrower, name_key
from libraries.models import Library, Municipality
from notifications.mail import enqueue_deliveries
from notifications.models import MailKind, OutgoingMail
from transfers import bulk
from transfers.models import LibraryMove, LibraryMoveStatus, Status, TransferRequest

#: Emptied before each run (CASCADE: the borrowers' groups and transfer rows too).
TABLES = [
    "transfers_librarymove",
    "transfers_transferrequest",
    "borrowers_borrower",
    "audit_auditevent",
    "notifications_outgoingmail",
    "django_tasks_database_dbtaskresult",
]
#: Borrowers of the third library whose pending requests are addressed to the closing
#: one: at the end of the move they are addressed to the library taking over.
ADDRESSED = 10
SIGELS = {"from": "Flytt1", "to": "Flytt2", "other": "Flytt3"}
MTM_EMAIL = "flytt.bench@mtm.example"
REGISTRAR_EMAIL = "registrerare.flytt@bibliotek.example"


class Command(BaseCommand):
    help = "Time Flytta alla låntagare (transfers/bulk.py) on N borrowers."

    def add_arguments(self, parser):
        parser.add_argument("--borrowers", type=int, default=10000)
        parser.add_argument(
            "--pending",
            type=float,
            default=5.0,
            help="Per cent of the borrowers with a pending request (withdrawn by the move).",
        )
        parser.add_argument("--batch-size", type=int, default=bulk.BATCH_SIZE)

    def handle(self, *args, borrowers, pending, batch_size, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The move bench runs on PostgreSQL (make bench-move).")
        if not isinstance(bulk.run_library_move.get_backend(), DatabaseBackend):
            raise CommandError("The move bench needs the worker's queue: TASKS_BACKEND unset.")
        started = time.perf_counter()
        self._empty()
        libraries, mtm = self._cast()
        self._borrowers(borrowers, libraries)
        asked = self._requests(libraries, pending)
        self.stdout.write(
            f"Seeded {borrowers} borrowers ({asked} with a pending request) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        load = os.getloadavg()
        started = time.perf_counter()
        job = bulk.start(
            from_library=libraries["from"],
            to_library=libraries["to"],
            by=mtm,
            deactivate_staff=True,
            deactivate_library=True,
        )
        result = bulk.run_library_move.call(job.pk, batch_size=batch_size)
        seconds = time.perf_counter() - started
        load_after = os.getloadavg()

        job.refresh_from_db()
        mails = OutgoingMail.objects.filter(kind=MailKind.TRANSFER_PULLED).count()
        self._check(job, result, borrowers, asked, libraries, mails)

        fan_out, tasks = self._fan_out()
        self.stdout.write(
            f"Moved {job.moved} borrowers in {seconds:.1f} s "
            f"({job.moved / seconds:.0f} borrowers/s, {1000 * seconds / job.moved:.2f} ms each), "
            f"batches of {batch_size}; {mails} mails queued, {asked} requests withdrawn"
        )
        self.stdout.write(
            f"The worker's fan-out of the mails: {tasks} delivery tasks in {fan_out:.1f} s"
        )
        self.stdout.write(
            "Load average (1, 5, 15 min): "
            f"{', '.join(f'{n:.2f}' for n in load)} at the start, "
            f"{', '.join(f'{n:.2f}' for n in load_after)} at the end"
        )

    def _empty(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")

    def _cast(self) -> tuple[dict, StaffUser]:
        municipality = Municipality.objects.order_by("pk").first()
        if municipality is None:
            raise CommandError("No municipalities: run migrate first.")
        libraries = {}
        for role, sigel in SIGELS.items():
            library, _created = Library.objects.update_or_create(
                sigel=sigel,
                defaults={
                    "name": f"Flyttbibliotek {sigel[-1]}",
                    "municipality": municipality,
                    "active": True,
                },
            )
            libraries[role] = library
        # The closing library's registrar, deactivated by the move.
        StaffUser.objects.update_or_create(
            email=REGISTRAR_EMAIL,
            defaults={
                "first_name": "Rita",
                "last_name": "Flytt",
                "library": libraries["from"],
                "role": Role.REGISTRAR,
                "is_active": True,
            },
        )
        mtm, _created = StaffUser.objects.get_or_create(
            email=MTM_EMAIL, defaults={"first_name": "Maria", "last_name": "MTM", "is_staff": True}
        )
        return libraries, mtm

    def _borrowers(self, total: int, libraries: dict) -> None:
        """`total` borrowers at the closing library, ADDRESSED at the third one."""
        generator = _Generator(random.Random(2026), timezone.localdate())
        now = timezone.now()
        rows = []
        for n in range(total + ADDRESSED):
            born, identifier = generator.personnummer_adult()
            first, last = generator.first_name(), generator.last_name()
            rows.append(
                Borrower(
                    id_kind="personnummer",
                    identifier=identifier,
                    birth_date=born,
                    first_name=first,
                    last_name=last,
                    name_key=name_key(first, last),
                    email=f"flytt{n}@post.example",
                    valid_until=date(now.year + 3, 12, 31) if n % 3 else None,
                    library=libraries["from" if n < total else "other"],
                    password="!",  # noqa: S106 (unusable, as seed_scale's)
                    language="en" if n % 10 == 0 else "sv",
                    agreement_accepted_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
        Borrower.objects.bulk_create(rows, batch_size=2000)

    def _requests(self, libraries: dict, pending: float) -> int:
        """Pending requests from the closing library (every 100/pending-th borrower),
        and a few addressed to it from the third library."""
        every = max(1, round(100 / pending)) if pending > 0 else 0
        pks = Borrower.objects.filter(library=libraries["from"]).order_by("pk")
        asking = list(pks.values_list("pk", flat=True)[::every]) if every else []
        rows = [
            TransferRequest(
                borrower_id=pk,
                from_library=libraries["from"],
                to_library=libraries["other"],
                status=Status.PENDING,
            )
            for pk in asking
        ]
        addressed = Borrower.objects.filter(library=libraries["other"]).values_list("pk", flat=True)
        rows += [
            TransferRequest(
                borrower_id=pk,
                from_library=libraries["other"],
                to_library=libraries["from"],
                status=Status.PENDING,
            )
            for pk in addressed
        ]
        TransferRequest.objects.bulk_create(rows, batch_size=2000)
        return len(asking)

    def _check(self, job, result, total, asked, libraries, mails) -> None:
        """Every borrower moved once, with their row, event and mail."""
        expected = {
            "result": "done",
            "job": (LibraryMoveStatus.DONE, total, total),
            "at the new library": total,
            "pulled transfer rows": total,
            "TRANSFER_PULLED events": total,
            "TRANSFER_CANCELLED events": asked,
            "mails": total,
            "requests addressed to the new library": ADDRESSED,
        }
        found = {
            "result": result,
            "job": (job.status, job.moved, job.total),
            "at the new library": Borrower.objects.filter(library=libraries["to"]).count(),
            "pulled transfer rows": TransferRequest.objects.filter(pulled=True).count(),
            "TRANSFER_PULLED events": AuditEvent.objects.filter(
                action=Action.TRANSFER_PULLED
            ).count(),
            "TRANSFER_CANCELLED events": AuditEvent.objects.filter(
                action=Action.TRANSFER_CANCELLED, detail__reason="moved_by_mtm"
            ).count(),
            "mails": mails,
            "requests addressed to the new library": TransferRequest.objects.pending()
            .filter(to_library=libraries["to"])
            .count(),
        }
        wrong = {k: (found[k], v) for k, v in expected.items() if found[k] != v}
        if wrong:
            raise CommandError(f"The move left the wrong rows (found, expected): {wrong}")
        if LibraryMove.objects.get(pk=job.pk).finished_at is None:
            raise CommandError("The job has no end time.")

    def _fan_out(self) -> tuple[float, int]:
        """Run the mails' fan-out tasks as the worker would; the delivery tasks made."""
        fan_outs = list(
            DBTaskResult.objects.filter(task_path=enqueue_deliveries.module_path).order_by(
                "enqueued_at"
            )
        )
        before = DBTaskResult.objects.count()
        started = time.perf_counter()
        for row in fan_outs:
            enqueue_deliveries.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        seconds = time.perf_counter() - started
        return seconds, DBTaskResult.objects.count() - before
