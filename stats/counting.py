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

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import COUNTED_ACTIONS, Action, AuditEvent
from borrowers.models import Borrower, BorrowerQuerySet, IdKind, Service

from .models import DailySnapshot

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


def borrower_figures(borrowers: BorrowerQuerySet, today: date) -> dict:
    """{library id: {figure key: count}} for `borrowers` now, one query.

    Figure keys are figure_key(category, measure). Grouped by library, so a
    protected identity (no library) lands under the key None."""
    aggregates = {}
    for category in CATEGORIES:
        for measure in MEASURES:
            where = _condition(lambda b, c=category, m=measure: m.select(c.select(b, today), today))
            aggregates[figure_key(category.key, measure.key)] = (
                Count("pk", filter=where) if where else Count("pk")
            )
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


def months_between(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def counted_events(start: date, end: date):
    """Audit events in [start, end] that count, protected identities left out:
    also a borrower protected after registration is never counted."""
    protected = Borrower.objects.filter(protected_identity=True).values("code")
    return (
        AuditEvent.objects.filter(
            at__gte=day_start(start), at__lt=day_start(end + timedelta(days=1))
        )
        .exclude(borrower_code__in=protected)
        .order_by()
    )


@dataclass
class Month:
    first_day: date
    figures: dict = field(default_factory=dict)


def monthly_series(library_ids: set | None, start: date, end: date, today: date) -> list[Month]:
    """Per month from start to end: registrations, deletions, transfers in and out
    (accepted requests and pulls) and expiries, for the libraries `library_ids`
    taken together (a move between two of them counts for neither), or for the
    whole country (None; a move is then both in and out). Four queries, and the snapshot's."""
    months = {m: Month(m, {key: 0 for key, _label in SERIES}) for m in months_between(start, end)}

    def add(month_start, key, n):
        month = months.get(month_start.date() if isinstance(month_start, datetime) else month_start)
        if month is not None:
            month.figures[key] += n

    events = counted_events(start, end).annotate(month=TruncMonth("at"))
    if library_ids is None:
        own = events.filter(library__isnull=False)
    else:
        own = events.filter(library_id__in=library_ids)
    names = {Action.CREATED: "registered", Action.DELETED: "deleted"}
    grouped = own.filter(action__in=COUNTED_ACTIONS).values("month", "action")
    if library_ids is not None:
        # A move from one of the libraries to another of them is no transfer in.
        grouped = grouped.exclude(Q(action__in=MOVES) & Q(detail__from_library__in=library_ids))
    for row in grouped.annotate(n=Count("*")):  # COUNT(*): answered from the index alone
        add(row["month"], names.get(row["action"], "moved_in"), row["n"])

    outgoing = events.filter(action__in=MOVES)
    if library_ids is not None:
        outgoing = outgoing.filter(detail__from_library__in=library_ids).exclude(
            library_id__in=library_ids
        )
    for row in outgoing.values("month").annotate(n=Count("*")):
        add(row["month"], "moved_out", row["n"])

    for day, n in ended_per_day(library_ids, start, end, today).items():
        add(day.replace(day=1), "ended", n)
    return list(months.values())


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
