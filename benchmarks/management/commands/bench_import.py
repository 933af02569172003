"""manage.py bench_import --rows N: the import's speed against its floor (make bench-import).

On a PostgreSQL database of its own: empties the borrower tables, makes the
libraries the file names, generates a realistic file (benchmarks/import_file.py),
imports it with --commit, then times a PostgreSQL COPY of exactly the rows the
import wrote (borrowers, their groups, audit events, imported accounts) into the
same tables. Prints rows per second, peak memory (the process's peak RSS, and
the import's own peak allocation) and the ratio to the COPY floor.
"""

import io
import os
import resource
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from benchmarks import import_file
from imports.run import Importer
from libraries.models import Library, Municipality

TARGET_RATIO = 4
TARGET_RSS_MB = 300
TABLES = [
    "borrowers_borrower",
    "borrowers_borrower_services",
    "audit_auditevent",
    "imports_importedaccount",
]


class Command(BaseCommand):
    help = "Time import_register on N generated rows against a COPY of the same rows."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20000)
        parser.add_argument("--libraries", type=int, default=2000)

    def handle(self, *args, rows, libraries, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The import bench runs on PostgreSQL (make bench-import).")
        sigels = self._libraries(libraries)
        self._empty()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "lantagare.csv"
            dirty = import_file.write(path, rows=rows, sigels=sigels, today=timezone.localdate())
            self.stdout.write(f"File: {rows} rows ({dirty} dirty), {path.stat().st_size >> 20} MB")
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
            started = time.perf_counter()
            summary = Importer(commit=True).run([(str(path), path.name)])
            seconds = time.perf_counter() - started
        rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10  # KiB -> MiB
        copy_seconds, copied = self._copy_floor()
        load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
        self.stdout.write(summary.line())
        self.stdout.write(
            f"Import: {seconds:.1f} s, {rows / seconds:.0f} rows/s; "
            f"peak RSS {rss_peak} MB (before the import {rss_before} MB)"
        )
        ratio = seconds / copy_seconds
        self.stdout.write(
            f"COPY floor: {copy_seconds:.2f} s for {copied} rows; "
            f"ratio {ratio:.1f}x; load average {load}"
        )
        met = {True: "met", False: "NOT met"}
        self.stdout.write(
            f"Targets: at most {TARGET_RATIO}x the COPY floor: {met[ratio <= TARGET_RATIO]}; "
            f"peak RSS at most {TARGET_RSS_MB} MB: {met[rss_peak <= TARGET_RSS_MB]}"
        )

    def _libraries(self, count: int) -> list[str]:
        existing = list(
            Library.objects.filter(sigel__startswith="Imp").values_list("sigel", flat=True)
        )
        if len(existing) < count:
            municipality = Municipality.objects.first()
            Library.objects.bulk_create(
                [
                    Library(
                        sigel=f"Imp{n:04d}",
                        name=f"Importbibliotek {n}",
                        municipality=municipality,
                        county_id=municipality.county_id,
                    )
                    for n in range(len(existing), count)
                ]
            )
        return sorted(
            Library.objects.filter(sigel__startswith="Imp").values_list("sigel", flat=True)
        )[:count]

    def _empty(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")

    def _copy_floor(self) -> tuple[float, int]:
        """COPY the rows the import wrote back into the emptied tables, timed."""
        dumps = {}
        raw = connection.connection
        for table in TABLES:
            buffer = io.BytesIO()
            with raw.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                for data in copy:
                    buffer.write(data)
            dumps[table] = buffer.getvalue()
        self._empty()
        started = time.perf_counter()
        with transaction.atomic():
            for table in TABLES:
                with raw.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(dumps[table])
        seconds = time.perf_counter() - started
        return seconds, sum(d.count(b"\n") for d in dumps.values())
