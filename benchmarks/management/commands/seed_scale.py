from django.core.management.base import BaseCommand, CommandError

from benchmarks.seed import (
    STAFF_PASSWORD,
    SeedRefused,
    default_libraries,
    seed,
    seeded_size,
)


class Command(BaseCommand):
    help = (
        "Fill a PostgreSQL database of its own with a national-size registry for "
        "measurements (docs/performance.md): N borrowers of every kind in M libraries "
        "(main libraries, about one in four with 1-4 branches), staff for every main "
        "library, services, pending transfer requests and audit events. One large "
        "library holds about 1 %% of the borrowers; its registrar is printed. "
        "The identity numbers are GENERATED (valid dates and check digits from a "
        "deterministic range) and may belong to real people: use such a database "
        "locally only, never with real data. Refuses SQLite, and a database that "
        "already holds borrowers unless --reset is given (and seed_scale filled it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--borrowers", type=int, default=20_000, help="N (default 20000)")
        parser.add_argument(
            "--libraries",
            type=int,
            default=None,
            help="M, branches included (default N/500, at least 10: a million in 2,000)",
        )
        parser.add_argument(
            "--seed", dest="random_seed", type=int, default=2024, help="random seed (default 2024)"
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="empty a database that seed_scale filled before, then fill it again",
        )
        parser.add_argument(
            "--skip-if-seeded",
            action="store_true",
            help="do nothing when the database already holds exactly N borrowers from "
            "seed_scale in M libraries (make bench uses it)",
        )

    def handle(self, *args, borrowers, libraries, random_seed, reset, skip_if_seeded, **options):
        if borrowers < 1:
            raise CommandError("--borrowers must be 1 or more.")
        libraries = libraries or default_libraries(borrowers)
        if libraries < 2:
            raise CommandError("--libraries must be 2 or more.")
        if skip_if_seeded and seeded_size() == (borrowers, libraries):
            self.stdout.write(
                f"Already seeded with {borrowers} borrowers in {libraries} libraries: skipped."
            )
            return
        self.stdout.write(f"Seeding {borrowers} borrowers in {libraries} libraries…")
        try:
            result = seed(
                borrowers=borrowers,
                libraries=libraries,
                seed=random_seed,
                reset=reset,
                log=self.stdout.write,
            )
        except SeedRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"Seeded {result.borrowers} borrowers ({result.services} services, "
            f"{result.audit_events} audit events, {result.transfers} pending transfer "
            f"requests) in {result.libraries} libraries ({result.main_libraries} main) "
            f"in {result.seconds:.1f} s."
        )
        self.stdout.write(
            f"Large library: {result.large_library} with {result.large_library_borrowers} "
            f"borrowers; its registrar: {result.registrar_email}"
        )
        self.stdout.write(
            f"MTM superuser: {result.mtm_email}. Every seeded staff account has the "
            f"password {STAFF_PASSWORD!r} (local databases only)."
        )
