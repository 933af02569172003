"""Fill a PostgreSQL database with a national-size registry, fast (seed_scale).

Everything is generated from a seeded random generator, so two runs with the
same N and M produce the same database. Rows go in with COPY (psycopg 3) in one
transaction: the secondary indexes of the big tables are dropped first and built
once at the end (a GIN trigram index built in one go is many times faster than
one updated row by row), and the foreign-key triggers are off while copying when
the connection is a superuser's (the generator only writes ids it just made).

The identity numbers are GENERATED: valid dates and check digits from a
deterministic range. They may belong to real people, so such a database is for
local measurements only, never shared, never mixed with real data.
"""

import io
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, count

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from stdnum import luhn

from accounts.models import Role, StaffUser
from borrowers.models import Borrower, Service, name_key, years_ago
from libraries.models import Library, LibraryType, Municipality
from transfers.models import Status, TransferRequest

from . import names

#: Every seeded staff account and the MTM superuser are in this domain; --reset
#: only empties a database that holds it (or no borrowers at all).
STAFF_DOMAIN = "seed-scale.example"
MTM_EMAIL = f"mtm@{STAFF_DOMAIN}"
#: The password of every seeded staff account (local databases only).
STAFF_PASSWORD = "bench-lösenord-2024"  # noqa: S105 (local measurement databases only)
LARGE_LIBRARY_SHARE = 0.01
LARGE_LIBRARY_BRANCHES = 3
BORROWERS_PER_LIBRARY = 500

#: Models whose tables --reset empties (TRUNCATE … CASCADE takes what refers to them).
RESET_MODELS = [
    "audit.AuditEvent",
    "notifications.OutgoingMail",
    "django_tasks_database.DBTaskResult",
    "sessions.Session",
    "transfers.TransferRequest",
    "borrowers.ExpiryReminder",
    "borrowers.Borrower",
    "accounts.StaffUser",
    "libraries.Library",
]
#: Tables whose secondary indexes are dropped while copying and rebuilt after.
BULK_TABLES = ["borrowers_borrower", "borrowers_borrower_services", "audit_auditevent"]


class SeedRefused(Exception):
    """The database is not one seed_scale may fill; the message says why."""


@dataclass
class SeedResult:
    borrowers: int = 0
    libraries: int = 0
    main_libraries: int = 0
    staff: int = 0
    services: int = 0
    transfers: int = 0
    audit_events: int = 0
    large_library: str = ""
    large_library_borrowers: int = 0
    registrar_email: str = ""
    mtm_email: str = MTM_EMAIL
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)


def default_libraries(borrowers: int) -> int:
    """About 500 borrowers per library, as in SPEC §4 (a million in 2,000 libraries)."""
    return max(10, borrowers // BORROWERS_PER_LIBRARY)


def check_database(*, reset: bool) -> None:
    """Refuse SQLite, and a database that holds borrowers unless --reset on a seeded one."""
    if connection.vendor != "postgresql":
        raise SeedRefused(
            "seed_scale needs PostgreSQL (it uses COPY and the trigram indexes); this "
            f"database is {connection.vendor}. Set DATABASE_URL=postgres://… to a database "
            "of its own, e.g. postgres://postgres@127.0.0.1:5432/registry_bench."
        )
    if not Borrower.objects.exists():
        return
    if not reset:
        raise SeedRefused(
            "This database already holds borrowers. seed_scale fills only an empty database; "
            "give --reset to empty one that seed_scale filled before."
        )
    if not StaffUser.objects.filter(email=MTM_EMAIL).exists():
        raise SeedRefused(
            "This database holds borrowers that seed_scale did not create: --reset refuses "
            "to empty it. Use a database of its own for measurements."
        )


def seeded_size() -> tuple[int, int] | None:
    """(borrowers, libraries) of a database seed_scale filled, else None."""
    if connection.vendor != "postgresql":
        return None
    if not StaffUser.objects.filter(email=MTM_EMAIL).exists():
        return None
    return Borrower.objects.count(), Library.objects.count()


def seed(*, borrowers: int, libraries: int, seed: int = 2024, reset: bool = False, log=print):
    """Fill the database; returns a SeedResult. Runs in one transaction."""
    check_database(reset=reset)
    started = time.monotonic()
    today = timezone.localdate()
    generator = _Generator(random.Random(seed), today)
    result = SeedResult()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        if reset:
            _step(result, "reset", log, lambda: _reset(cursor))
        superuser = _is_superuser(cursor)
        if superuser:
            # Foreign-key triggers (and the audit log's append-only trigger) off while copying.
            cursor.execute("SET LOCAL session_replication_role = replica")
        libs = _step(result, "libraries", log, lambda: _libraries(generator, libraries))
        staff = _step(result, "staff", log, lambda: _staff(libs))
        dropped = _drop_indexes(cursor)
        _step(
            result,
            "borrowers",
            log,
            lambda: _borrowers(cursor, generator, libs, staff, borrowers, result),
        )
        _step(result, "transfers", log, lambda: _transfers(generator, libs, staff, result))
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        _step(result, "indexes", log, lambda: _create_indexes(cursor, dropped))
        for table in [*BULK_TABLES, "libraries_library", "transfers_transferrequest"]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"coalesce((SELECT max(id) FROM {table}), 1))"
            )
    # ANALYZE for the planner's statistics; VACUUM for the visibility map (index-only scans).
    if not connection.in_atomic_block:
        _step(result, "vacuum", log, _vacuum)
    else:
        with connection.cursor() as cursor:
            for table in BULK_TABLES:
                cursor.execute(f"ANALYZE {table}")
    large = libs.mains[0]
    result.libraries = len(libs.all)
    result.main_libraries = len(libs.mains)
    result.large_library = large.name
    result.registrar_email = staff.registrars[large.pk].email
    result.seconds = time.monotonic() - started
    return result


# --- steps ------------------------------------------------------------------------


def _step(result, name, log, function):
    started = time.monotonic()
    value = function()
    result.timings[name] = time.monotonic() - started
    log(f"  {name}: {result.timings[name]:.1f} s")
    return value


def _is_superuser(cursor) -> bool:
    cursor.execute("SELECT current_setting('is_superuser')")
    return cursor.fetchone()[0] == "on"


def _reset(cursor) -> None:
    from django.apps import apps

    tables = ", ".join(
        connection.ops.quote_name(apps.get_model(label)._meta.db_table) for label in RESET_MODELS
    )
    cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def _drop_indexes(cursor) -> list[str]:
    """Drop the indexes of the bulk tables that back no constraint; return their definitions."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c
            WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
          )
        """,
        [BULK_TABLES],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def _create_indexes(cursor, definitions: list[str]) -> None:
    for definition in definitions:
        cursor.execute(definition)


def _vacuum() -> None:
    with connection.cursor() as cursor:
        for table in [*BULK_TABLES, "libraries_library", "transfers_transferrequest"]:
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- libraries and staff ------------------------------------------------------------


@dataclass
class _Libraries:
    mains: list
    all: list
    #: library id -> main library id
    main_of: dict
    #: borrowers' libraries and cumulative weights, for random.choices
    weighted: list
    cumulative: list


def _libraries(generator, total: int) -> _Libraries:
    rng = generator.rng
    municipalities = list(Municipality.objects.order_by("code"))
    stockholm = next((m for m in municipalities if m.name == "Stockholm"), municipalities[0])
    plan = []  # (municipality, name, type, branch count)
    planned = 0
    first = True
    while planned < total:
        if first:
            branches = min(LARGE_LIBRARY_BRANCHES, total - 1)
            plan.append((stockholm, "Storstadens stadsbibliotek", LibraryType.PUBLIC, branches))
            first = False
        else:
            municipality = rng.choice(municipalities)
            kind = rng.choices(
                [
                    LibraryType.PUBLIC,
                    LibraryType.SCHOOL,
                    LibraryType.UNIVERSITY,
                    LibraryType.HOSPITAL,
                    LibraryType.REGIONAL,
                ],
                [70, 15, 8, 4, 3],
            )[0]
            word = {
                LibraryType.SCHOOL: "skolbibliotek",
                LibraryType.UNIVERSITY: "högskolebibliotek",
                LibraryType.HOSPITAL: "sjukhusbibliotek",
                LibraryType.REGIONAL: "regionbibliotek",
            }.get(kind) or rng.choice(names.LIBRARY_WORDS)
            name = f"{municipality.name} {word} {len(plan) + 1}"
            branches = rng.randint(1, 4) if rng.random() < 0.25 else 0
            branches = min(branches, total - planned - 1)
            plan.append((municipality, name, kind, branches))
        planned += 1 + plan[-1][3]

    numbers = count(1)

    def library(municipality, name, kind, parent=None):
        slug = next(numbers)
        return Library(
            name=name,
            library_type=kind,
            parent=parent,
            county_id=municipality.county_id,  # bulk_create: Library.save does not fill it
            municipality=municipality,
            contact_name="Tove Talbok",
            contact_email=f"talbok{slug}@bibliotek.example",
            street_address=f"Biblioteksgatan {slug % 90 + 1}",
            postal_code=f"{10000 + slug * 7 % 89999}",
            city=municipality.name,
            email=f"info{slug}@bibliotek.example",
            phone=f"08-{100000 + slug:06d}",
        )

    mains = Library.objects.bulk_create([library(m, n, k) for m, n, k, _b in plan])
    branch_rows = []
    for main, (municipality, _name, kind, how_many) in zip(mains, plan, strict=True):
        for number in range(how_many):
            word = names.BRANCH_WORDS[number % len(names.BRANCH_WORDS)]
            branch_rows.append(library(municipality, f"{main.name} – {word}", kind, parent=main))
    branches = Library.objects.bulk_create(branch_rows)
    everything = [*mains, *branches]
    main_of = {lib.pk: (lib.parent_id or lib.pk) for lib in everything}
    # Borrowers: the large library (and its branches) 1 %, the rest by skewed weights.
    large = mains[0]
    weights = {}
    for lib in everything:
        weights[lib.pk] = rng.lognormvariate(0, 1.0) * (0.4 if lib.parent_id else 1.0)
    large_family = [lib.pk for lib in everything if main_of[lib.pk] == large.pk]
    others = sum(w for pk, w in weights.items() if pk not in large_family)
    share = LARGE_LIBRARY_SHARE if len(everything) > len(large_family) else 1.0
    family_weights = {
        pk: (0.7 if pk == large.pk else 0.3 / max(1, len(large_family) - 1)) for pk in large_family
    }
    for pk in large_family:
        weights[pk] = others * share / (1 - share) * family_weights[pk] if share < 1 else 1.0
    weighted = list(weights)
    cumulative = list(accumulate(weights[pk] for pk in weighted))
    return _Libraries(mains, everything, main_of, weighted, cumulative)


@dataclass
class _Staff:
    registrars: dict  # main library id -> StaffUser
    head_admins: dict
    mtm: StaffUser


def _staff(libs: _Libraries) -> _Staff:
    password = make_password(STAFF_PASSWORD)  # one hash for all: Argon2 is slow by design
    rows = []
    for main in libs.mains:
        for role, prefix, first in [
            (Role.REGISTRAR, "registrerare", "Rita"),
            (Role.HEAD_ADMIN, "huvudadmin", "Hugo"),
        ]:
            rows.append(
                StaffUser(
                    email=f"{prefix}.{main.pk}@{STAFF_DOMAIN}",
                    first_name=first,
                    last_name=f"Bibliotek {main.pk}",
                    library=main,
                    role=role,
                    password=password,
                )
            )
    created = StaffUser.objects.bulk_create(rows)
    mtm = StaffUser(
        email=MTM_EMAIL,
        first_name="Maria",
        last_name="MTM",
        is_staff=True,
        is_superuser=True,
        password=password,
    )
    mtm.save()
    registrars = {s.library_id: s for s in created if s.role == Role.REGISTRAR}
    heads = {s.library_id: s for s in created if s.role == Role.HEAD_ADMIN}
    return _Staff(registrars, heads, mtm)


# --- borrowers ----------------------------------------------------------------------


class _Generator:
    """Deterministic identity numbers, names and dates."""

    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.adult_from = date(1930, 1, 1)
        self.adult_days = (years_ago(today, 19) - self.adult_from).days
        self.minor_from = years_ago(today, 17)
        self.minor_days = (years_ago(today, 1) - self.minor_from).days
        self.samordning_from = date(1950, 1, 1)
        self.samordning_days = (date(2000, 12, 31) - self.samordning_from).days
        self.counters = {"adult": 0, "minor": 0, "samordning": 0, "lma": 0}
        female, male = names.FEMALE_FIRST, names.MALE_FIRST
        self.first_names = [*female, *male]
        self.first_cumulative = list(accumulate([*female.values(), *male.values()]))
        self.last_names = list(names.LAST)
        self.last_cumulative = list(accumulate(names.LAST.values()))
        self.domains = list(names.EMAIL_DOMAINS)
        self.domain_cumulative = list(accumulate(names.EMAIL_DOMAINS.values()))

    def _number(self, counter: str, start: date, span: int, day_offset: int = 0):
        """A unique (birth date, 12-digit number) for this counter: the i-th number
        walks the days of the range with a stride coprime to it, then the serials."""
        i = self.counters[counter]
        self.counters[counter] += 1
        stride = 7919  # prime, and no span here is a multiple of it
        born = start + timedelta(days=(i * stride) % span)
        # 001-999 (identity parsing refuses serial 000); 7 is coprime to 999: no repeats
        serial = 1 + ((i // span) * 7 + 12) % 999
        head = f"{born:%y%m}{born.day + day_offset:02d}{serial:03d}"
        check = luhn.calc_check_digit(head)
        return born, f"{born.year:04d}{head[2:]}{check}"

    def personnummer_adult(self):
        return self._number("adult", self.adult_from, self.adult_days)

    def personnummer_minor(self):
        return self._number("minor", self.minor_from, self.minor_days)

    def samordningsnummer(self):
        return self._number("samordning", self.samordning_from, self.samordning_days, 60)

    def lma(self) -> str:
        i = self.counters["lma"]
        self.counters["lma"] += 1
        return f"{20000000 + i * 3:08d}"

    def first_name(self) -> str:
        return self.rng.choices(self.first_names, cum_weights=self.first_cumulative)[0]

    def last_name(self) -> str:
        return self.rng.choices(self.last_names, cum_weights=self.last_cumulative)[0]

    def domain(self) -> str:
        return self.rng.choices(self.domains, cum_weights=self.domain_cumulative)[0]


_ASCII = str.maketrans("åäöéüćčšž", "aaoeuccsz")


def _email_local(first: str, last: str) -> str:
    return f"{first}.{last}".lower().translate(_ASCII)


#: kind -> share of all borrowers
KINDS = [
    ("adult", 0.80),
    ("minor", 0.10),
    ("samordning", 0.04),
    ("lma_adult", 0.04),
    ("lma_minor", 0.01),
    ("protected", 0.01),
]

BORROWER_COLUMNS = [
    "id",
    "code",
    "id_kind",
    "identifier",
    "birth_date",
    "registered_as_minor",
    "first_name",
    "last_name",
    "name_key",
    "email",
    "valid_until",
    "guardian_birth_date",
    "guardian_name",
    "agreement_accepted_at",
    "protected_identity",
    "password",
    "credentials_sent_at",
    "last_login",
    "created_at",
    "updated_at",
    "agreement_accepted_by_id",
    "created_by_id",
    "library_id",
    "language",
]
NULL = "\\N"


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S+00")


def _validity(rng, today: date, *, required: bool, at_most_a_year: bool) -> str:
    """Most until further notice; ~5 % expired; ~1 % within 14 days; the rest later."""
    roll = rng.random()
    if roll < 0.05:
        return (today - timedelta(days=rng.randint(1, 700))).isoformat()
    if roll < 0.06:
        return (today + timedelta(days=rng.randint(0, 13))).isoformat()
    if required or roll < 0.15:
        longest = 365 if at_most_a_year else 3 * 365
        return (today + timedelta(days=rng.randint(15, longest))).isoformat()
    return NULL


def _borrowers(cursor, generator, libs, staff, total, result) -> None:
    rng = generator.rng
    today = generator.today
    kinds = [kind for kind, _share in KINDS]
    kind_cumulative = list(accumulate(share for _kind, share in KINDS))
    services = list(Service.objects.order_by("position").values_list("pk", flat=True))
    service_shares = [0.9, 0.6, 0.05] + [0.02] * max(0, len(services) - 3)
    now = timezone.now().astimezone(UTC)
    created_span = 8 * 365 * 86400
    # Unusable: a seeded borrower would set a password by the mailed link.
    password = "!"  # noqa: S105
    raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
    columns = ", ".join(BORROWER_COLUMNS)
    audit_rows = io.StringIO()
    service_rows = io.StringIO()
    audit_count = service_count = 0
    with raw.copy(f"COPY borrowers_borrower ({columns}) FROM STDIN") as copy:
        buffer = []
        for pk in range(1, total + 1):
            kind = rng.choices(kinds, cum_weights=kind_cumulative)[0]
            code = uuid.UUID(int=rng.getrandbits(128), version=4)
            created = now - timedelta(seconds=rng.randrange(created_span))
            protected = kind == "protected"
            library = (
                NULL if protected else rng.choices(libs.weighted, cum_weights=libs.cumulative)[0]
            )
            registrar = staff.mtm if protected else staff.registrars[libs.main_of[library]]
            first, last = generator.first_name(), generator.last_name()
            email = f"{_email_local(first, last)}{pk}@{generator.domain()}"
            guardian_birth = guardian_name = NULL
            minor = "f"
            if kind in ("adult", "protected"):
                id_kind = "personnummer"
                born, identifier = generator.personnummer_adult()
                valid = _validity(rng, today, required=False, at_most_a_year=False)
            elif kind == "minor":
                id_kind = "personnummer"
                born, identifier = generator.personnummer_minor()
                valid = _validity(rng, today, required=False, at_most_a_year=False)
                minor = "t"
                guardian_birth = date(
                    born.year - rng.randint(22, 45), rng.randint(1, 12), rng.randint(1, 28)
                ).isoformat()
            elif kind == "samordning":
                id_kind = "samordningsnummer"
                born, identifier = generator.samordningsnummer()
                valid = _validity(rng, today, required=True, at_most_a_year=True)
            else:
                id_kind = "lma"
                born, identifier = None, generator.lma()
                valid = _validity(rng, today, required=True, at_most_a_year=True)
                if kind == "lma_minor":
                    minor = "t"
                    guardian_birth = date(
                        rng.randint(1965, 1995), rng.randint(1, 12), rng.randint(1, 28)
                    ).isoformat()
                    guardian_name = f"{generator.first_name()} {last}"
            if protected:
                first = last = ""
                guardian_birth = NULL
            guardian_name = "" if guardian_name == NULL else guardian_name
            created_text = _ts(created)
            buffer.append(
                "\t".join(
                    [
                        str(pk),
                        str(code),
                        id_kind,
                        identifier,
                        born.isoformat() if born else NULL,
                        minor,
                        first,
                        last,
                        name_key(first, last),
                        email,
                        valid,
                        guardian_birth,
                        guardian_name,
                        created_text,
                        "t" if protected else "f",
                        password,
                        created_text,
                        NULL,
                        created_text,
                        created_text,
                        str(registrar.pk),
                        str(registrar.pk),
                        str(library),
                        settings.LANGUAGE_CODE,
                    ]
                )
            )
            for service, share in zip(services, service_shares, strict=False):
                if rng.random() < share:
                    service_count += 1
                    service_rows.write(f"{service_count}\t{pk}\t{service}\n")
            # A few audit events per borrower: created, often viewed, sometimes updated.
            library_column = NULL if protected else str(library)
            events = [("created", created, "[]")]
            if rng.random() < 0.7:
                events.append(("viewed", created + timedelta(days=rng.randint(0, 300)), "[]"))
            if rng.random() < 0.3:
                events.append(
                    ("updated", created + timedelta(days=rng.randint(1, 400)), '["email"]')
                )
            for action, at, fields in events:
                audit_count += 1
                audit_rows.write(
                    f"{audit_count}\t{_ts(at)}\t{action}\t{registrar.role or 'mtm'}\t{code}\t"
                    f"{fields}\t\t{{}}\t{registrar.pk}\t{library_column}\n"
                )
            if len(buffer) >= 5000:
                copy.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            copy.write("\n".join(buffer) + "\n")
    with raw.copy(
        "COPY borrowers_borrower_services (id, borrower_id, service_id) FROM STDIN"
    ) as copy:
        copy.write(service_rows.getvalue())
    service_rows.close()
    with raw.copy(
        "COPY audit_auditevent (id, at, action, actor_role, borrower_code, fields, "
        "search_hash, detail, actor_id, library_id) FROM STDIN"
    ) as copy:
        copy.write(audit_rows.getvalue())
    audit_rows.close()
    result.borrowers = total
    result.services = service_count
    result.audit_events = audit_count
    large_family = [pk for pk, main in libs.main_of.items() if main == libs.mains[0].pk]
    result.large_library_borrowers = Borrower.objects.filter(library_id__in=large_family).count()


def _transfers(generator, libs, staff, result) -> None:
    """Pending requests: ~0.3 % of borrowers, and a screenful addressed to the large library."""

    rng = generator.rng
    total = Borrower.objects.count()
    wanted = max(5, total * 3 // 1000)
    large = libs.mains[0].pk
    picked = set(rng.sample(range(1, total + 1), min(total, wanted)))
    candidates = (
        Borrower.objects.filter(pk__in=picked, protected_identity=False)
        .values_list("pk", "library_id")
        .order_by("pk")
    )
    now = timezone.now()
    rows = []
    for index, (pk, library_id) in enumerate(candidates):
        if libs.main_of[library_id] == large:
            continue
        to = large if index % 8 == 0 else rng.choice(libs.mains).pk
        if libs.main_of[library_id] == libs.main_of[to]:
            continue
        rows.append(
            TransferRequest(
                borrower_id=pk,
                from_library_id=library_id,
                to_library_id=to,
                requested_by=staff.registrars[libs.main_of[library_id]],
                requested_at=now - timedelta(days=rng.randint(0, 60)),
                status=Status.PENDING,
            )
        )
    TransferRequest.objects.bulk_create(rows, batch_size=2000)
    result.transfers = len(rows)
