"""MonthlyCount: the complete months' counted events, kept by snapshot_statistics.
Whatever it holds, the series are the live count's: it is used only while exact."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from audit.log import record
from audit.models import Action
from stats.counting import held_months, monthly_series, registered_per_library
from stats.models import MonthlyCount, MonthlyCountState
from stats.snapshot import count_months
from tests.factories import BorrowerFactory
from transfers.models import TransferRequest

TODAY = date(2026, 6, 15)
START = date(2024, 7, 1)  # the default range of TODAY


def moment(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=12))


def live(ids, start=START, end=TODAY):
    """The same series counted from the audit log alone."""
    state = list(MonthlyCountState.objects.all())
    MonthlyCountState.objects.all().delete()
    try:
        return figures(ids, start, end)
    finally:
        MonthlyCountState.objects.bulk_create(state)


def figures(ids, start=START, end=TODAY):
    return [(m.first_day, m.figures) for m in monthly_series(ids, start, end, TODAY)]


@pytest.fixture
def history(registrar, registrar_b, library_a, branch_a, library_b, register, mtm_staff):
    """A mix of events in past months and in this one."""
    made = {}
    with time_machine.travel(moment(date(2026, 2, 10)), tick=False):
        made["kept"] = register(by=registrar, library=library_a)
        made["later_protected"] = register(by=registrar, library=library_a)
        made["protected_then_deleted"] = register(by=registrar, library=branch_a)
        gone = register(by=registrar_b, library=library_b)
        register(by=registrar, protected=True)
    with time_machine.travel(moment(date(2026, 3, 5)), tick=False):
        gone.delete_account(by=registrar_b)
        moving = register(by=registrar, library=library_a)
        TransferRequest.request(moving, to_library=library_b, by=registrar).accept(by=registrar_b)
        moving.refresh_from_db()
        TransferRequest.pull(
            moving, to_library=branch_a, by=registrar, email=moving.email, consent=True
        )
        # A move between two of the library's own libraries.
        TransferRequest.move_by_mtm(made["kept"], to_library=branch_a, by=mtm_staff)
    with time_machine.travel(moment(date(2026, 4, 20)), tick=False):
        BorrowerFactory(library=library_a, valid_until=date(2026, 4, 2))  # an expiry
        made["protected_then_deleted"].protect(by=mtm_staff)
    with time_machine.travel(moment(TODAY - timedelta(days=2)), tick=False):
        register(by=registrar_b, library=library_b)  # this month: always counted live
    return made


GROUPS = "ids", [None, "group", "a", "branch", "b"]


def library_ids(name, library_a, branch_a, library_b):
    return {
        None: None,
        "group": {library_a.pk, branch_a.pk},
        "a": {library_a.pk},
        "branch": {branch_a.pk},
        "b": {library_b.pk},
    }[name]


@pytest.mark.parametrize(*GROUPS)
def test_the_held_months_give_the_live_count(history, ids, library_a, branch_a, library_b):
    ids = library_ids(ids, library_a, branch_a, library_b)
    with time_machine.travel(moment(TODAY), tick=False):
        assert count_months(TODAY) > 0
    assert held_months(START, TODAY, TODAY) == (START, date(2026, 6, 1))
    assert figures(ids) == live(ids)
    # ... also for a range that starts and ends within months.
    assert figures(ids, date(2026, 2, 11), date(2026, 4, 19)) == live(
        ids, date(2026, 2, 11), date(2026, 4, 19)
    )


def test_the_figures_come_from_the_held_months(history, library_a, branch_a):
    """A stale row would show: the test above is not passing by counting live."""
    with time_machine.travel(moment(TODAY), tick=False):
        count_months(TODAY)
    group = {library_a.pk, branch_a.pk}
    march = dict(figures(group))[date(2026, 3, 1)]
    assert march["moved_in"] == 1 and march["moved_out"] == 1  # B -> branch; A -> B
    assert dict(figures(None))[date(2026, 3, 1)]["moved_in"] == 3
    MonthlyCount.objects.filter(month=date(2026, 2, 1), action="created").update(events=99)
    assert figures(group) != live(group)
    assert registered_per_library(START, TODAY, TODAY)[library_a.pk] == 99 + 1  # and March's


def test_protecting_someone_after_the_count_is_counted_live(
    history, library_a, branch_a, mtm_staff
):
    group = {library_a.pk, branch_a.pk}
    with time_machine.travel(moment(TODAY), tick=False):
        count_months(TODAY)
    before = dict(figures(group))[date(2026, 2, 1)]["registered"]
    with time_machine.travel(moment(TODAY) + timedelta(hours=1), tick=False):
        history["later_protected"].protect(by=mtm_staff)
    assert held_months(START, TODAY, TODAY) is None
    assert dict(figures(group))[date(2026, 2, 1)]["registered"] == before - 1
    assert figures(group) == live(group)
    # The next night's count holds them again, without the newly protected.
    with time_machine.travel(moment(TODAY) + timedelta(hours=2), tick=False):
        count_months(TODAY)
    assert held_months(START, TODAY, TODAY) is not None
    assert figures(group) == live(group)
    assert figures(None) == live(None)


def test_deleting_a_protected_identity_after_the_count_is_counted_live(
    history, library_a, branch_a, mtm_staff
):
    """Their events count again once the borrower is gone (counted_events): so too here."""
    with time_machine.travel(moment(TODAY), tick=False):
        count_months(TODAY)
    with time_machine.travel(moment(TODAY) + timedelta(hours=1), tick=False):
        history["protected_then_deleted"].delete_account(by=mtm_staff)
    assert held_months(START, TODAY, TODAY) is None
    for ids in (None, {branch_a.pk}, {library_a.pk, branch_a.pk}):
        assert figures(ids) == live(ids)


def test_a_protected_registration_today_leaves_the_held_months_in_use(history, registrar, register):
    with time_machine.travel(moment(TODAY), tick=False):
        count_months(TODAY)
    with time_machine.travel(moment(TODAY) + timedelta(hours=1), tick=False):
        register(by=registrar, protected=True)
    assert held_months(START, TODAY, TODAY) is not None


def test_a_protection_and_a_deletion_that_leave_the_number_alike_are_seen(
    history, library_a, branch_a, mtm_staff
):
    with time_machine.travel(moment(TODAY), tick=False):
        count_months(TODAY)
    with time_machine.travel(moment(TODAY) + timedelta(hours=1), tick=False):
        history["later_protected"].protect(by=mtm_staff)
        history["protected_then_deleted"].delete_account(by=mtm_staff)
    assert held_months(START, TODAY, TODAY) is None
    for ids in (None, {library_a.pk}, {library_a.pk, branch_a.pk}):
        assert figures(ids) == live(ids)


def test_an_ordinary_update_of_a_protected_identity_leaves_them_in_use(history, register):
    with time_machine.travel(moment(TODAY), tick=False):
        count_months(TODAY)
    protected = history["protected_then_deleted"]
    with time_machine.travel(moment(TODAY) + timedelta(hours=1), tick=False):
        protected.set_password("a new password for the test")
        protected.save()
    assert held_months(START, TODAY, TODAY) is not None


def test_taking_protection_away_after_the_count_is_counted_live(history, library_a, mtm_staff):
    """As MTM can in the admin (a library chosen, the box unticked)."""
    with time_machine.travel(moment(TODAY), tick=False):
        count_months(TODAY)
    borrower = history["protected_then_deleted"]
    with time_machine.travel(moment(TODAY) + timedelta(hours=1), tick=False):
        borrower.protected_identity = False
        borrower.library = library_a
        borrower.first_name, borrower.last_name = "Stina", "Statistik"
        borrower.save()
        record(Action.UPDATED, actor=mtm_staff, borrower=borrower, fields=["protected_identity"])
    assert held_months(START, TODAY, TODAY) is None
    for ids in (None, {library_a.pk}):
        assert figures(ids) == live(ids)


def test_the_current_month_and_unheld_months_are_counted_live(history, library_b):
    with time_machine.travel(moment(date(2026, 4, 25)), tick=False):
        count_months(date(2026, 4, 25))  # holds up to March
    assert held_months(START, TODAY, TODAY) == (START, date(2026, 4, 1))
    ids = {library_b.pk}
    assert dict(figures(ids))[date(2026, 6, 1)]["registered"] == 1
    assert figures(ids) == live(ids)
    assert figures(None) == live(None)


@override_settings(RETENTION_AUDIT_YEARS=1)
def test_months_the_audit_retention_reaches_are_not_held(history):
    with time_machine.travel(moment(TODAY), tick=False):
        count_months(TODAY)
    assert held_months(START, TODAY, TODAY) == (date(2025, 7, 1), date(2026, 6, 1))
    assert figures(None) == live(None)


def test_snapshot_statistics_counts_the_months(history):
    out = StringIO()
    with time_machine.travel(moment(TODAY), tick=False):
        call_command("snapshot_statistics", stdout=out)
        call_command("snapshot_statistics", stdout=out)  # a rerun replaces the rows
    assert "Counted the audit log's complete months" in out.getvalue()
    assert MonthlyCountState.objects.count() == 1
    state = MonthlyCountState.objects.get()
    assert (state.first_month, state.end_month) == (date(2024, 6, 1), date(2026, 6, 1))
    assert state.protected == 2  # born protected, and protected in April
    assert sum(MonthlyCount.objects.values_list("events", flat=True)) == 8
