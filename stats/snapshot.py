"""The nightly snapshot of every library's figures (manage.py snapshot_statistics)."""

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Case, Count, DateField, IntegerField, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from audit.models import COUNTED_ACTIONS
from borrowers.models import Borrower

from .counting import (
    HISTORY_MONTHS,
    MOVES,
    SNAPSHOT_FIGURES,
    borrower_figures,
    counted_events,
    day_start,
    first_of_month,
)
from .models import DailySnapshot, MonthlyCount, MonthlyCountState

#: How far back a first run, or a run after a long pause, catches up.
MAX_CATCH_UP_DAYS = 31


def days_to_take(today: date) -> list[date]:
    """Today and every day since the last snapshot that has none (at most
    MAX_CATCH_UP_DAYS): missed nights are caught up, stored days are left alone."""
    first = today - timedelta(days=MAX_CATCH_UP_DAYS - 1)
    last = DailySnapshot.objects.filter(day__lte=today).order_by("-day").first()
    if last is not None:
        first = max(first, last.day + timedelta(days=1))
    return [first + timedelta(days=n) for n in range((today - first).days + 1)]


def take_snapshot(day: date) -> int:
    """Store every library's figures at the start of `day`; rows already stored
    for that day stay as they are (a rerun, or two runs at once, adds nothing).
    A day caught up later counts the borrowers registered before it that are
    still here: deleted accounts are gone. Returns the rows written."""
    borrowers = Borrower.objects.filter(protected_identity=False, created_at__lt=day_start(day))
    figures = borrower_figures(borrowers, day)
    ended = dict(
        borrowers.filter(valid_until=day - timedelta(days=1))
        .order_by()
        .values_list("library_id")
        .annotate(n=Count("pk"))
    )
    rows = [
        DailySnapshot(
            day=day,
            library_id=library_id,
            ended=ended.get(library_id, 0),
            **{column: row[key] for column, key in SNAPSHOT_FIGURES.items()},
        )
        for library_id, row in figures.items()
        if library_id is not None
    ]
    with transaction.atomic():
        before = DailySnapshot.objects.filter(day=day).count()
        DailySnapshot.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        return DailySnapshot.objects.filter(day=day).count() - before


def count_months(today: date) -> int:
    """Rebuild MonthlyCount: the counted audit events of the HISTORY_MONTHS complete
    months before this one, per month, library, action and (a transfer) the library
    it came from, protected identities left out as counted_events does now. The
    protected identities are counted first: one protected or deleted while this
    runs makes the rows unused (held_months), never wrong. Returns the rows written."""
    end_month = first_of_month(today)
    month_number = end_month.year * 12 + end_month.month - 1 - HISTORY_MONTHS
    first_month = date(month_number // 12, month_number % 12 + 1, 1)
    built_at = timezone.now()
    with transaction.atomic():
        protected = Borrower.objects.filter(
            protected_identity=True, created_at__lt=built_at
        ).count()
        grouped = (
            counted_events(first_month, end_month - timedelta(days=1))
            .filter(action__in=COUNTED_ACTIONS)
            .annotate(
                month=TruncMonth("at", output_field=DateField()),
                from_library=Case(
                    When(
                        action__in=MOVES,
                        then=Cast(KT("detail__from_library"), IntegerField()),
                    ),
                ),
            )
            .values("month", "library_id", "action", "from_library")
            .annotate(n=Count("*"))
        )
        rows = [
            MonthlyCount(
                month=row["month"],
                library_id=row["library_id"],
                action=row["action"],
                from_library=row["from_library"],
                events=row["n"],
            )
            for row in grouped
        ]
        MonthlyCount.objects.all().delete()
        MonthlyCountState.objects.all().delete()
        MonthlyCount.objects.bulk_create(rows, batch_size=1000)
        MonthlyCountState.objects.create(
            built_at=built_at, first_month=first_month, end_month=end_month, protected=protected
        )
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner: the rows were all replaced.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {MonthlyCount._meta.db_table}")
    return len(rows)
