"""The bench runner (manage.py bench): server-side timings of every registrar page.

Each page is requested in-process through Django's test client, with the full
middleware stack and a real session (force_login), against the database the
settings point at (normally one filled by seed_scale). The time is taken around
the request inside the process: Django's own work plus its database round trips,
no network and no browser. After warm-up, each page is requested `iterations`
times; p50 and p95 are over those. Queries per request are counted once, on a
separate request, so that counting does not slow the timed ones.

The baseline page renders base.html through the same middleware without any
database work of its own; every page's ratio to it lets figures from different
machines be compared.
"""

import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.models import Role, StaffUser
from borrowers.models import Borrower
from borrowers.policy import EXPIRY_NOTICE_DAYS
from borrowers.reminders import send_expiry_reminders
from borrowers.views.manage import LISTS, PAGE_SIZE
from libraries.models import Library
from notifications.mail import queue_mails
from notifications.models import MailKind, OutgoingMail

from .seed import MTM_EMAIL
from .urls import BASELINE_PATH

#: What SPEC §4 and the task ask of the figures (not enforced: printed next to them).
REGISTRAR_TARGET_MS = 50
ADMIN_TARGET_MS = 100
#: Every registrar page's p50 at most this multiple of the empty page's.
REGISTRAR_RATIO_TARGET = 2.0
REMINDER_TARGET_S = 10
#: Statistik: the library's page and MTM's national page.
STATISTICS_TARGET_MS = 100
NATIONAL_STATISTICS_TARGET_MS = 500
TARGETS = {
    "registrar": REGISTRAR_TARGET_MS,
    "admin": ADMIN_TARGET_MS,
    "statistics": STATISTICS_TARGET_MS,
    "national statistics": NATIONAL_STATISTICS_TARGET_MS,
}
REMINDER_DUE = 10_000


class BenchError(Exception):
    pass


@dataclass
class Row:
    page: str
    group: str  # "registrar", "admin", "baseline", "statistics", "national statistics"
    p50: float
    p95: float
    queries: int
    status: int
    ratio: float = 0.0


@dataclass
class Report:
    borrowers: int = 0
    libraries: int = 0
    library: str = ""
    library_borrowers: int = 0
    registrar: str = ""
    iterations: int = 0
    load: str = ""
    load_end: str = ""
    debug: bool = False
    rows: list = field(default_factory=list)
    reminders: dict = field(default_factory=dict)
    memory: list = field(default_factory=list)


# --- timing ------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, math.ceil(share * len(ordered)) - 1)
    return ordered[index]


def _measure(request: Callable, *, iterations: int, warmup: int) -> tuple[float, float, int, int]:
    """(p50 ms, p95 ms, queries, status) of `request()`, which returns a response."""
    for _ in range(warmup):
        request()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # Counted with a wrapper, not the debug query log, which DEBUG off leaves empty.
    with connection.execute_wrapper(count):
        response = request()
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        request()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), _percentile(times, 0.95), len(queries), response.status_code


def _sign_in(client: Client, user) -> None:
    """The whole sign-in: the password (force_login) and, where production asks for
    it (STAFF_MFA_REQUIRED, MTM staff always), a verified second factor in the session,
    as after typing the app's code. The bench's accounts are generated, never real."""
    client.force_login(user)
    if not mfa.required_for(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    mfa.remember_verified(session, device)
    session.save()


def _search(client: Client, url: str, text: str, field_name: str = "q", extra=None):
    """POST the search; return (the POST as a callable, the results URL it redirects to)."""
    data = {field_name: text, **(extra or {})}

    def post():
        return client.post(url, data)

    response = post()
    if response.status_code != 302:
        raise BenchError(f"search POST {url} answered {response.status_code}, not a redirect")
    return post, response["Location"]


# --- the pages -------------------------------------------------------------------------


def _large_library() -> tuple[Library, StaffUser]:
    """The first main library seed_scale made (the large one) and its registrar."""
    registrar = (
        StaffUser.objects.filter(
            role=Role.REGISTRAR,
            is_active=True,
            library__parent__isnull=True,
            email__startswith="registrerare.",
        )
        .select_related("library")
        .order_by("library_id")
        .first()
    )
    if registrar is None:
        raise BenchError("No seeded registrar found: run manage.py seed_scale first.")
    return registrar.library, registrar


def _sample(scope, today):
    """Borrowers of the large library to look up: one of each kind."""
    adult = scope.filter(id_kind="personnummer").order_by("pk").first()
    lma = scope.filter(id_kind="lma").order_by("pk").first()
    if adult is None or lma is None:
        raise BenchError("The large library needs a personnummer and an LMA borrower.")
    return adult, lma


def run_pages(*, iterations: int, warmup: int, log=print) -> Report:

    report = Report(iterations=iterations)
    library, registrar = _large_library()
    mtm = (
        StaffUser.objects.filter(email=MTM_EMAIL).first()
        or StaffUser.objects.filter(is_superuser=True, is_active=True).first()
    )
    today = timezone.localdate()
    scope = Borrower.objects.visible_to(registrar)
    report.borrowers = Borrower.objects.count()
    report.libraries = Library.objects.count()
    report.library = library.name
    report.library_borrowers = scope.count()
    report.registrar = registrar.email
    report.load = load_average()
    report.debug = settings.DEBUG
    adult, lma = _sample(scope, today)

    client = Client()
    _sign_in(client, registrar)

    def page(name, url, group="registrar"):
        def get():
            return client.get(url)

        add(name, get, group)

    def add(name, request, group="registrar"):
        p50, p95, queries, status = _measure(request, iterations=iterations, warmup=warmup)
        if status != (302 if name.endswith("(POST)") else 200):
            raise BenchError(f"{name}: HTTP {status}")
        report.rows.append(Row(name, group, p50, p95, queries, status))
        log(f"  {name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries")

    page("baseline (base.html, no database work)", f"/{BASELINE_PATH}", "baseline")
    page("Startsida", reverse("portal:start"))
    page("Mitt bibliotek", reverse("libraries:my_library"))
    for slug, spec in LISTS.items():
        url = reverse("borrowers:list", args=[slug])
        page(f"Visa: {slug}", url)
        count = spec.select(scope, registrar, today).count()
        last = math.ceil(count / PAGE_SIZE)
        if last > 1:
            page(f"Visa: {slug}, page {last} (last)", f"{url}?sida={last}")

    search_url = reverse("borrowers:search")
    searches = [
        ("personnummer", adult.display_identifier),
        ("LMA number", lma.display_identifier),
        ("e-mail (whole address)", adult.email),
        ("e-mail fragment shared by many", "@post.example"),
        ("partial name", "ander"),
        ("common first name", "anna"),
        ("first and last name", f"{adult.first_name} {adult.last_name}"),
    ]
    for label, text in searches:
        post, _results = _search(client, search_url, text)
        add(f"Sök användare: {label} (POST)", post)
        # A fresh search: the session remembers only the last few (manage.py).
        _post, results = _search(client, search_url, text)
        page(f"Sök användare: {label} (results)", results)
    page("Låntagare (borrower page)", reverse("borrowers:detail", args=[adult.code]))
    try:
        page("Ansökningar om biblioteksbyte", reverse("transfers:incoming"))
    except Exception as error:  # the transfers app's URL name, if it changes
        log(f"  (incoming requests skipped: {error})")
    page("Statistik (the library, its branches, 24 months)", reverse("stats:library"), "statistics")

    admin = Client()
    _sign_in(admin, mtm)
    changelist = reverse("admin:borrowers_borrower_changelist")

    def admin_page(name, url):
        def get():
            return admin.get(url)

        add(name, get, "admin")

    admin_page("Admin: borrower list", changelist)
    admin_page("Admin: Möjliga dubbletter", reverse("admin:borrowers_borrower_duplicates"))
    deep = min(100, report.borrowers // 50 - 1)
    if deep > 1:
        admin_page(f"Admin: borrower list, page {deep}", f"{changelist}?p={deep}")
    for label, text in [
        ("name", "andersson"),
        ("personnummer", adult.display_identifier),
        ("e-mail fragment", "@post.example"),
    ]:
        post, _results = _search(admin, changelist, text, extra={"_search": "1"})
        add(f"Admin search: {label} (POST)", post, "admin")
        _post, results = _search(admin, changelist, text, extra={"_search": "1"})
        admin_page(f"Admin search: {label} (results)", results)

    def national(name, url):
        add(name, lambda: admin.get(url), "national statistics")

    national(
        "Admin: Statistik (the whole country)", reverse("admin:stats_dailysnapshot_changelist")
    )

    baseline = report.rows[0].p50
    for row in report.rows:
        row.ratio = row.p50 / baseline if baseline else 0.0
    report.load_end = load_average()
    return report


def load_average() -> str:
    """`uptime`'s load average (1, 5, 15 minutes): how busy the machine was."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def verdict(row: Row) -> str:
    """The row's targets, each marked met or MISSED."""
    target = TARGETS.get(row.group)
    if not target:
        return ""
    parts = [f"p95 < {target} ms " + ("met" if row.p95 < target else "MISSED")]
    if row.group == "registrar":
        met = row.ratio <= REGISTRAR_RATIO_TARGET
        parts.append(f"p50 ≤ {REGISTRAR_RATIO_TARGET:g}× " + ("met" if met else "MISSED"))
    return "; ".join(parts)


# --- reminders -----------------------------------------------------------------------


def make_due(count: int, today) -> int:
    """Inside the caller's transaction: give borrowers validity within the reminder
    window until `count` are due; returns how many are due now."""
    window = Borrower.objects.expiring_within(EXPIRY_NOTICE_DAYS, today)
    due = window.count()
    missing = count - due
    if missing > 0:
        chosen = list(
            Borrower.objects.filter(valid_until__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:missing]
        )
        for offset in range(EXPIRY_NOTICE_DAYS + 1):
            Borrower.objects.filter(pk__in=chosen[offset :: EXPIRY_NOTICE_DAYS + 1]).update(
                valid_until=today + timedelta(days=offset)
            )
        due = window.count()
    return due


def run_reminders(*, due: int = REMINDER_DUE, log=print) -> dict:
    """Time send_expiry_reminders for `due` due borrowers: a dry run, then a real run,
    in a transaction that is rolled back (nothing is queued for good)."""
    today = timezone.localdate()
    result = {}
    with transaction.atomic():
        result["due"] = make_due(due, today)
        started = time.perf_counter()
        dry = send_expiry_reminders(today=today, dry_run=True)
        result["dry_run_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        real = send_expiry_reminders(today=today)
        result["seconds"] = time.perf_counter() - started
        result["queued"] = real.queued
        result["would_queue"] = dry.queued
        transaction.set_rollback(True)
    log(
        f"  reminders: {result['queued']} queued in {result['seconds']:.2f} s "
        f"(dry run {result['dry_run_seconds']:.2f} s), rolled back"
    )
    return result


# --- memory of the worker and the reminder command, as subprocesses ------------------------


def _child(arguments: list[str], env: dict | None = None) -> tuple[int, str]:
    """Run `python manage.py …`; return (peak resident memory in KiB, stdout)."""
    manage = Path(settings.BASE_DIR) / "manage.py"
    # Our own interpreter and manage.py, with arguments this module builds.
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, str(manage), *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # bench_memory is the bench's own command: installed by the bench's settings only.
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "DATABASE_URL": database_url(),
            **(env or {}),
        },
        text=True,
    )
    stdout, stderr = process.communicate()
    if process.returncode:
        raise BenchError(f"{' '.join(arguments)} failed:\n{stderr[-2000:]}")
    return _peak_kib(process.pid, stdout), stdout


def database_url() -> str:
    """The URL of the database this process uses (a test database, say), for children."""
    from urllib.parse import quote

    db = connection.settings_dict
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{db['NAME']}"


def _peak_kib(pid: int, stdout: str) -> int:
    # The child prints its own peak as the last line (bench_memory): exact for it alone,
    # where RUSAGE_CHILDREN would give the largest of all children so far.
    for line in reversed(stdout.splitlines()):
        if line.startswith("maxrss_kib="):
            return int(line.split("=", 1)[1])
    raise BenchError(f"pid {pid} printed no peak memory")


def run_memory(sizes: list[int], *, mails: list[int], log=print) -> list[dict]:
    results = []
    for size in sizes:
        peak, out = _child(["bench_memory", "reminders", "--count", str(size)])
        results.append(
            {
                "what": "send_expiry_reminders",
                "n": size,
                "maxrss_kib": peak,
                "detail": out.strip().splitlines()[0] if out.strip() else "",
            }
        )
        log(f"  send_expiry_reminders, {size} due: peak {peak / 1024:.0f} MiB")
    for size in mails:
        mail_ids = _queue_mails(size)
        try:
            peak, out = _child(
                ["bench_memory", "worker"],
                env={
                    "EMAIL_URL": "dummymail://",
                    "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
                },
            )
        finally:
            _clean_mails(mail_ids)
        results.append(
            {
                "what": "db_worker --batch",
                "n": size,
                "maxrss_kib": peak,
                "detail": out.strip().splitlines()[0] if out.strip() else "",
            }
        )
        log(f"  db_worker --batch, {size} mails: peak {peak / 1024:.0f} MiB")
    return results


def _queue_mails(count: int) -> list[int]:
    """Commit `count` expiry-reminder mails for borrowers with a validity date, so that
    the worker renders real mails (EMAIL_URL=dummymail:// sends them nowhere)."""

    borrowers = list(
        Borrower.objects.filter(valid_until__isnull=False, protected_identity=False)
        .order_by("pk")
        .values_list("pk", "email", "valid_until", "language")[:count]
    )
    backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=backend), transaction.atomic():
        rows = queue_mails(
            MailKind.EXPIRY_REMINDER,
            [
                (email, {"borrower": pk, "valid_until": valid.isoformat()}, language)
                for pk, email, valid, language in borrowers
            ],
        )
    return [row.pk for row in rows]


def _clean_mails(mail_ids: list[int]) -> None:
    from django_tasks_db.models import DBTaskResult

    OutgoingMail.objects.filter(pk__in=mail_ids).delete()
    DBTaskResult.objects.filter(task_path__startswith="notifications.").delete()


# --- the table -------------------------------------------------------------------------


def format_report(report: Report) -> str:
    lines = [
        f"{report.borrowers:,} borrowers in {report.libraries:,} libraries; registrar "
        f"{report.registrar} of {report.library} ({report.library_borrowers:,} borrowers in "
        f"scope); {report.iterations} timed requests per page; {os.cpu_count()} CPUs.",
        f"Settings: {'development (DEBUG on)' if report.debug else 'production (DEBUG off)'}. "
        f"Load average (uptime) at start {report.load}, at end {report.load_end}.",
        "",
        f"{'page':<58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'× baseline':>11}  target",
        "-" * 106,
    ]
    for row in report.rows:
        lines.append(
            f"{row.page:<58} {row.p50:>8.1f} {row.p95:>8.1f} {row.queries:>8} "
            f"{row.ratio:>10.1f}×  {verdict(row)}"
        )
    rows = [row for row in report.rows if row.group in TARGETS]
    missed = [row.page for row in rows if "MISSED" in verdict(row)]
    lines += ["", f"Targets: {len(rows) - len(missed)} of {len(rows)} pages met every target."]
    if report.reminders:
        r = report.reminders
        ok = "ok" if r["seconds"] < REMINDER_TARGET_S else "MISSED"
        lines += [
            "",
            f"send_expiry_reminders: {r['due']:,} due; dry run {r['dry_run_seconds']:.2f} s; "
            f"queued {r['queued']:,} in {r['seconds']:.2f} s (target < {REMINDER_TARGET_S} s: "
            f"{ok}); rolled back.",
        ]
    if report.memory:
        lines += ["", f"{'peak memory (subprocess)':<40} {'N':>8} {'peak MiB':>10}"]
        for m in report.memory:
            lines.append(f"{m['what']:<40} {m['n']:>8,} {m['maxrss_kib'] / 1024:>10.1f}")
    return "\n".join(lines)


def write_json(report: Report, path: str) -> None:
    Path(path).write_text(json.dumps(asdict(report), indent=2, default=str))
