"""Every counting rule of the statistics, in one place.

The kinds of borrower are the registry's own rules: this module calls the
BorrowerQuerySet methods (adults, minors, lma_adults, expired, ...) and never
restates them. To count all kinds in one pass over the table, the WHERE clause
each method builds is taken from its query and used as the FILTER of a
conditional COUNT.

Protected identities are never counted for a library: they have no library, so
every figure grouped by library leaves them out; the national figures show them
as one line of their own (the key None).

The history comes from records that outlive the borrower: the audit log
(registrations, deletions, transfers) and, where it exists, DailySnapshot (what
the audit log cannot tell: how many accounts ended on a past day).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import COUNTED_ACTIONS, Action, AuditEvent
from borrowers.identity import years_ago
from borrowers.models import Borrower, BorrowerQuerySet, IdKind, Service

from .models import DailySnapshot, MonthlyCount, MonthlyCountState

EXPIRING_DAYS = 30
HISTORY_MONTHS = 24


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    select: Callable[[BorrowerQuerySet, date], BorrowerQuerySet]


#: The rows of "borrowers now": the words of the Visa lists.
CATEGORIES = [
    Rule("all", _("All borrowers"), lambda b, today: b),
    Rule("adults", _("Adult borrowers"), lambda b, today: b.adults(today)),
    Rule("minors", _("Borrowers under 18"), lambda b, today: b.minors(today)),
    Rule("lma_adults", _("Adult borrowers with an LMA card"), lambda b, today: b.lma_adults()),
    Rule("lma_minors", _("Borrowers under 18 with an LMA card"), lambda b, today: b.lma_minors()),
]

#: The columns: how many, and of these how many with samordningsnummer, expired, ending soon.
MEASURES = [
    Rule("count", _("Number of borrowers"), lambda b, today: b),
    Rule(
        "samordningsnummer",
        _("Of these with a coordination number"),
        lambda b, today: b.filter(id_kind=IdKind.SAMORDNINGSNUMMER),
    ),
    Rule("expired", _("Expired accounts"), lambda b, today: b.expired(today)),
    Rule(
        "expiring",
        _("Ending within 30 days"),
        lambda b, today: b.expiring_within(EXPIRING_DAYS, today),
    ),
]

#: The monthly series, in the order of the table's columns.
SERIES = [
    ("registered", _("New registrations")),
    ("deleted", _("Deletions")),
    ("moved_in", _("Transfers in")),
    ("moved_out", _("Transfers out")),
    ("ended", _("Expiries")),
]

MOVES = [Action.TRANSFER_ACCEPTED, Action.TRANSFER_PULLED]

#: The field an update names when it makes a borrower a protected identity.
PROTECTION_FIELD = "protected_identity"


def figure_key(category: str, measure: str) -> str:
    return f"{category}_{measure}"


def _condition(select: Callable) -> Q:
    """The WHERE clause `select` adds to a borrower query, as a filter for COUNT."""
    query = select(Borrower.objects.all()).query
    if len(query.alias_map) > 1:
        # A rule that joins another table cannot be lifted out; a subquery still
        # counts by the rule itself.
        return Q(pk__in=select(Borrower.objects.all()).values("pk"))
    return query.where


def _figure_conditions(today: date) -> dict:
    """{figure key: its condition} on `today`. Built anew for every query: compiling
    a query rewrites its conditions in place, so they are never shared (between the
    threads of a gthread worker, say); building them costs about a millisecond."""
    return {
        figure_key(category.key, measure.key): _condition(
            lambda b, c=category, m=measure: m.select(c.select(b, today), today)
        )
        for category in CATEGORIES
        for measure in MEASURES
    }


def borrower_figures(borrowers: BorrowerQuerySet, today: date) -> dict:
    """{library id: {figure key: count}} for `borrowers` now, one query.

    Figure keys are figure_key(category, measure). Grouped by library, so a
    protected identity (no library) lands under the key None."""
    aggregates = {
        key: Count("pk", filter=where) if where else Count("pk")
        for key, where in _figure_conditions(today).items()
    }
    rows = borrowers.order_by().values("library_id").annotate(**aggregates)
    return {row.pop("library_id"): row for row in rows}


def published_services() -> list[Service]:
    return list(Service.objects.filter(published=True))


def service_figures(borrowers: BorrowerQuerySet, services: Iterable[Service]) -> dict:
    """{library id: {service id: borrowers in that user group}}, one query."""
    rows = (
        borrowers.filter(services__in=list(services))
        .order_by()
        .values("library_id", "services")
        .annotate(n=Count("pk"))
    )
    result = defaultdict(dict)
    for row in rows:
        result[row["library_id"]][row["services"]] = row["n"]
    return result


#: DailySnapshot column -> the figure of borrower_figures it keeps.
SNAPSHOT_FIGURES = {
    "borrowers": figure_key("all", "count"),
    "adults": figure_key("adults", "count"),
    "minors": figure_key("minors", "count"),
    "lma_adults": figure_key("lma_adults", "count"),
    "lma_minors": figure_key("lma_minors", "count"),
    "samordningsnummer": figure_key("all", "samordningsnummer"),
    "expired": figure_key("all", "expired"),
    "expiring": figure_key("all", "expiring"),
}


def snapshot_figures(day: date) -> dict | None:
    """{library id: figures} as the snapshot of `day` keeps them; None without one."""
    rows = DailySnapshot.objects.filter(day=day).values("library_id", *SNAPSHOT_FIGURES)
    figures = {
        row["library_id"]: {key: row[column] for column, key in SNAPSHOT_FIGURES.items()}
        for row in rows
    }
    return figures or None


def add_up(rows: Iterable[dict]) -> dict:
    """The sum of several libraries' figures, key by key."""
    total = defaultdict(int)
    for row in rows:
        for key, value in row.items():
            total[key] += value or 0
    return dict(total)


# --- history --------------------------------------------------------------------------


def default_range(today: date) -> tuple[date, date]:
    """The last HISTORY_MONTHS months, this one included."""
    month = today.year * 12 + today.month - 1 - (HISTORY_MONTHS - 1)
    return date(month // 12, month % 12 + 1, 1), today


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


def months_between(start: date, end: date) -> list[date]:
    months, month = [], first_of_month(start)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def counted_events(start: date, end: date, held: tuple[date, date] | None = None):
    """Audit events in [start, end] that count, protected identities left out:
    also a borrower protected after registration is never counted. `held`: the
    months [first, end) the caller takes from MonthlyCount, left out here."""
    if held is None:
        spans = [(start, end + timedelta(days=1))]
    else:
        spans = [(start, held[0]), (held[1], end + timedelta(days=1))]
    when = Q(pk__in=[])
    for first, stop in spans:
        if first < stop:
            when |= Q(at__gte=day_start(first), at__lt=day_start(stop))
    protected = Borrower.objects.filter(protected_identity=True).values("code")
    return AuditEvent.objects.filter(when).exclude(borrower_code__in=protected).order_by()


def held_months(start: date, end: date, today: date) -> tuple[date, date] | None:
    """The complete months [first, end) within [start, end] that MonthlyCount answers
    exactly, or None. Exact while the protected identities registered before it was
    built are the same ones: as many (a deletion, or protection taken away, lowers
    the number) and none made protected since (protect() records that as an update
    with no library); and while the audit log's retention rule has not reached them.
    Three small queries."""
    first = start if start.day == 1 else next_month(start)
    # The audit log's retention rule thins out events older than its limit: not held.
    first = max(first, next_month(years_ago(today, settings.RETENTION_AUDIT_YEARS)))
    stop = min(first_of_month(end + timedelta(days=1)), first_of_month(today))
    if first >= stop:
        return None
    state = MonthlyCountState.objects.order_by("-built_at").first()
    if state is None:
        return None
    first, stop = max(first, state.first_month), min(stop, state.end_month)
    if first >= stop:
        return None
    protected = Borrower.objects.filter(protected_identity=True, created_at__lt=state.built_at)
    if protected.count() != state.protected:  # borrower_protected_created_idx
        return None
    updates = AuditEvent.objects.filter(  # audit_unplaced_update_idx
        action=Action.UPDATED, library__isnull=True, at__gte=state.built_at
    ).values_list("fields", flat=True)
    if any(PROTECTION_FIELD in fields for fields in updates):
        return None
    return first, stop


@dataclass
class Month:
    first_day: date
    figures: dict = field(default_factory=dict)


def _tally(events, library_ids: set | None, *, from_library: str, count, add) -> None:
    """Registrations, deletions and transfers in and out of `events` (counted audit
    events, or MonthlyCount rows: the same rule over either), per month."""
    if library_ids is None:
        own = events.filter(library__isnull=False)
    else:
        own = events.filter(library_id__in=library_ids)
    names = {Action.CREATED: "registered", Action.DELETED: "deleted"}
    grouped = own.filter(action__in=COUNTED_ACTIONS).values("month", "action")
    if library_ids is not None:
        # A move from one of the libraries to another of them is no transfer in.
        grouped = grouped.exclude(Q(action__in=MOVES) & Q(**{f"{from_library}__in": library_ids}))
    for row in grouped.annotate(n=count):
        add(row["month"], names.get(row["action"], "moved_in"), row["n"])

    outgoing = events.filter(action__in=MOVES)
    if library_ids is not None:
        outgoing = outgoing.filter(**{f"{from_library}__in": library_ids}).exclude(
            library_id__in=library_ids
        )
    for row in outgoing.values("month").annotate(n=count):
        add(row["month"], "moved_out", row["n"])


def monthly_series(library_ids: set | None, start: date, end: date, today: date) -> list[Month]:
    """Per month from start to end: registrations, deletions, transfers in and out
    (accepted requests and pulls) and expiries, for the libraries `library_ids`
    taken together (a move between two of them counts for neither), or for the
    whole country (None; a move is then both in and out). Complete months from
    MonthlyCount where it answers exactly (held_months), the rest from the audit
    log: at most eight queries, and the snapshot's."""
    months = {m: Month(m, {key: 0 for key, _label in SERIES}) for m in months_between(start, end)}

    def add(month_start, key, n):
        month = months.get(month_start.date() if isinstance(month_start, datetime) else month_start)
        if month is not None:
            month.figures[key] += n

    held = held_months(start, end, today)
    events = counted_events(start, end, held).annotate(month=TruncMonth("at"))
    # COUNT(*): answered from the index alone.
    _tally(events, library_ids, from_library="detail__from_library", count=Count("*"), add=add)
    if held is not None:
        rows = MonthlyCount.objects.filter(month__gte=held[0], month__lt=held[1]).order_by()
        _tally(rows, library_ids, from_library="from_library", count=Sum("events"), add=add)

    for day, n in ended_per_day(library_ids, start, end, today).items():
        add(day.replace(day=1), "ended", n)
    return list(months.values())


def registered_per_library(start: date, end: date, today: date) -> dict:
    """{library id: new registrations in [start, end]}, the country's libraries."""
    held = held_months(start, end, today)
    result = defaultdict(int)
    parts = [(counted_events(start, end, held), Count("*"))]
    if held is not None:
        rows = MonthlyCount.objects.filter(month__gte=held[0], month__lt=held[1])
        parts.append((rows, Sum("events")))
    for rows, count in parts:
        for row in (
            rows.filter(action=Action.CREATED, library__isnull=False)
            .order_by()
            .values("library_id")
            .annotate(n=count)
        ):
            result[row["library_id"]] += row["n"]
    return dict(result)


def ended_per_day(library_ids: set | None, start: date, end: date, today: date) -> dict:
    """{last valid day: accounts that ended then}. A day a snapshot was taken for
    is read from it (it also counts accounts deleted since); other days from the
    borrowers there are now."""
    end = min(end, today - timedelta(days=1))  # ended = no longer valid today
    borrowers = Borrower.objects.filter(protected_identity=False)
    snapshots = DailySnapshot.objects.filter(
        day__gt=start, day__lte=end + timedelta(days=1)
    ).order_by()
    if library_ids is not None:
        borrowers = borrowers.filter(library_id__in=library_ids)
        snapshots = snapshots.filter(library_id__in=library_ids)
    result = {
        row["valid_until"]: row["n"]
        for row in borrowers.expired(today)
        .filter(valid_until__gte=start, valid_until__lte=end)
        .order_by()
        .values("valid_until")
        .annotate(n=Count("*"))
    }
    for row in snapshots.values("day").annotate(n=Sum("ended")):
        result[row["day"] - timedelta(days=1)] = row["n"]
    return result
