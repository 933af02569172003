"""manage.py snapshot_statistics: daily figures per library, idempotent, catching up."""

from datetime import datetime, timedelta
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from stats.models import DailySnapshot
from stats.snapshot import MAX_CATCH_UP_DAYS
from tests.factories import BorrowerFactory
from tests.stats.test_library_page import read_csv


def run():
    out = StringIO()
    call_command("snapshot_statistics", stdout=out)
    return out.getvalue()


def at(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def test_first_run_stores_the_last_month_and_a_rerun_adds_nothing(library_a, branch_a):
    today = timezone.localdate()
    BorrowerFactory(library=library_a, created_at=at(today - timedelta(days=3)))
    BorrowerFactory(library=library_a, minor=True, created_at=at(today - timedelta(days=3)))
    BorrowerFactory(library=branch_a, lma=True, created_at=at(today - timedelta(days=1)))
    BorrowerFactory(protected=True, created_at=at(today - timedelta(days=3)))
    output = run()
    assert f"for {MAX_CATCH_UP_DAYS} days" in output
    snapshot = DailySnapshot.objects.get(day=today, library=library_a)
    assert (snapshot.borrowers, snapshot.adults, snapshot.minors) == (2, 1, 1)
    assert DailySnapshot.objects.get(day=today, library=branch_a).lma_adults == 1
    # A caught-up day counts only those registered before it.
    assert not DailySnapshot.objects.filter(day=today - timedelta(days=1), library=branch_a)
    assert (
        DailySnapshot.objects.get(day=today - timedelta(days=2), library=library_a).borrowers == 2
    )
    stored = DailySnapshot.objects.count()
    assert "Stored 0 library snapshots for 0 days" in run()
    assert DailySnapshot.objects.count() == stored
    # No protected identity, no personal data in the output.
    assert DailySnapshot.objects.filter(library__isnull=True).count() == 0


def test_missed_days_are_caught_up_and_endings_remembered(library_a):
    today = timezone.localdate()
    BorrowerFactory(
        library=library_a,
        valid_until=today - timedelta(days=2),
        created_at=at(today - timedelta(days=100)),
    )
    DailySnapshot.objects.create(day=today - timedelta(days=4), library=library_a, borrowers=1)
    output = run()
    assert "for 4 days" in output
    days = set(DailySnapshot.objects.values_list("day", flat=True))
    assert days == {today - timedelta(days=n) for n in range(5)}
    ended = DailySnapshot.objects.get(day=today - timedelta(days=1), library=library_a)
    assert ended.ended == 1 and ended.expired == 1
    assert DailySnapshot.objects.get(day=today - timedelta(days=2), library=library_a).ended == 0


def test_the_page_reads_an_ending_from_the_snapshot_after_the_account_is_gone(
    registrar_client, library_a
):
    today = timezone.localdate()
    gone = BorrowerFactory(
        library=library_a,
        valid_until=today - timedelta(days=1),
        created_at=at(today - timedelta(days=10)),
    )
    run()
    gone.delete()
    months = read_csv(registrar_client.get(reverse("stats:library_csv", args=["per-manad"])))
    month = f"{today - timedelta(days=1):%Y-%m}"
    assert next(r for r in months if r[0] == month)[-1] == "1"
