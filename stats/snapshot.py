"""The nightly snapshot of every library's figures (manage.py snapshot_statistics)."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count

from borrowers.models import Borrower

from .counting import SNAPSHOT_FIGURES, borrower_figures, day_start
from .models import DailySnapshot

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
