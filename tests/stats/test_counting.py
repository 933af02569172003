"""The counting rules: figures change as registrations, deletions, transfers and
protection happen; a protected identity is in no library's figures."""

from datetime import date, timedelta

from django.utils import timezone

from borrowers.models import Borrower
from stats.counting import (
    borrower_figures,
    default_range,
    ended_per_day,
    figure_key,
    monthly_series,
)
from stats.models import DailySnapshot
from tests.factories import BorrowerFactory
from transfers.models import TransferRequest


def this_month(months):
    return months[-1].figures


def series(ids, today=None):
    today = today or timezone.localdate()
    start, end = default_range(today)
    return monthly_series(ids, start, end, today)


def test_kinds_are_counted_by_the_registrys_own_rules(library_a):
    today = timezone.localdate()
    BorrowerFactory(library=library_a)
    BorrowerFactory(library=library_a, minor=True)
    BorrowerFactory(library=library_a, samordningsnummer=True)
    BorrowerFactory(library=library_a, lma=True)
    BorrowerFactory(library=library_a, lma=True, registered_as_minor=True)
    BorrowerFactory(library=library_a, valid_until=today - timedelta(days=1))
    BorrowerFactory(library=library_a, valid_until=today + timedelta(days=30))
    BorrowerFactory(library=library_a, valid_until=today + timedelta(days=31))
    row = borrower_figures(Borrower.objects.all(), today)[library_a.pk]
    assert row[figure_key("all", "count")] == 8
    assert row[figure_key("adults", "count")] == 5  # personnummer and samordningsnummer adults
    assert row[figure_key("adults", "samordningsnummer")] == 1
    assert row[figure_key("minors", "count")] == 1
    assert row[figure_key("lma_adults", "count")] == 1
    assert row[figure_key("lma_minors", "count")] == 1
    assert row[figure_key("all", "expired")] == 1
    assert row[figure_key("all", "expiring")] == 1  # 30 days included, 31 not
    # The same answers as the querysets the Visa lists use.
    assert row[figure_key("adults", "count")] == Borrower.objects.adults(today).count()
    assert row[figure_key("all", "expired")] == Borrower.objects.expired(today).count()


def test_protected_identities_are_one_national_line(library_a):
    BorrowerFactory(library=library_a)
    BorrowerFactory(protected=True)
    figures = borrower_figures(Borrower.objects.all(), timezone.localdate())
    assert figures[library_a.pk][figure_key("all", "count")] == 1
    assert figures[None][figure_key("all", "count")] == 1


def test_registrations_and_deletions_are_counted_in_their_month(registrar, library_a, register):
    ids = {library_a.pk}
    assert this_month(series(ids))["registered"] == 0
    borrower = register(by=registrar, library=library_a)
    register(by=registrar, library=library_a)
    assert this_month(series(ids))["registered"] == 2
    borrower.delete_account(by=registrar)
    figures = this_month(series(ids))
    assert figures["registered"] == 2 and figures["deleted"] == 1
    assert this_month(series(None))["registered"] == 2


def test_a_protected_registration_changes_no_librarys_figures(registrar, library_a, register):
    before = borrower_figures(Borrower.objects.filter(library=library_a), timezone.localdate())
    register(by=registrar, library=library_a, protected=True)
    after = borrower_figures(Borrower.objects.filter(library=library_a), timezone.localdate())
    assert before == after
    assert this_month(series({library_a.pk}))["registered"] == 0
    assert this_month(series(None))["registered"] == 0


def test_protecting_a_borrower_removes_them_from_the_history_too(
    registrar, library_a, register, mtm_staff
):
    borrower = register(by=registrar, library=library_a)
    assert this_month(series({library_a.pk}))["registered"] == 1
    borrower.protect(by=mtm_staff)
    assert this_month(series({library_a.pk}))["registered"] == 0


def test_transfers_count_in_and_out_but_not_within_the_group(
    registrar, registrar_b, library_a, branch_a, library_b, register
):
    moving = register(by=registrar, library=library_a)
    TransferRequest.request(moving, to_library=library_b, by=registrar).accept(by=registrar_b)
    assert this_month(series({library_b.pk}))["moved_in"] == 1
    assert this_month(series({library_a.pk}))["moved_out"] == 1
    # A pull back, to the branch: into the branch and into the group, out of B.
    moving.refresh_from_db()
    TransferRequest.pull(
        moving, to_library=branch_a, by=registrar, email=moving.email, consent=True
    )
    group = {library_a.pk, branch_a.pk}
    assert this_month(series({branch_a.pk}))["moved_in"] == 1
    assert this_month(series(group))["moved_in"] == 1
    assert this_month(series({library_b.pk}))["moved_out"] == 1
    # Main library to its own branch: a move for each, none for the group.
    staying = register(by=registrar, library=library_a)
    TransferRequest.move_by_mtm(staying, to_library=branch_a, by=registrar)
    assert this_month(series({branch_a.pk}))["moved_in"] == 2
    assert this_month(series(group))["moved_in"] == 1
    assert this_month(series(group))["moved_out"] == 1
    nationally = this_month(series(None))
    assert nationally["moved_in"] == nationally["moved_out"] == 3


def test_expiries_come_from_the_borrowers_and_from_snapshots_where_they_exist(library_a):
    today = date(2026, 6, 15)
    BorrowerFactory(library=library_a, valid_until=date(2026, 5, 3))
    BorrowerFactory(library=library_a, valid_until=date(2026, 6, 14))
    BorrowerFactory(library=library_a, valid_until=date(2026, 6, 15))  # still valid today
    ended = ended_per_day({library_a.pk}, date(2026, 5, 1), today, today)
    assert ended == {date(2026, 5, 3): 1, date(2026, 6, 14): 1}
    # A snapshot of 2026-05-04 remembers two accounts ending on 05-03 (one deleted since).
    DailySnapshot.objects.create(day=date(2026, 5, 4), library=library_a, ended=2)
    months = monthly_series({library_a.pk}, date(2026, 5, 1), today, today)
    assert [m.figures["ended"] for m in months] == [2, 1]


def test_the_default_range_is_24_months(db):
    start, end = default_range(date(2026, 12, 1))
    assert (start, end) == (date(2025, 1, 1), date(2026, 12, 1))
    assert len(series(None, date(2026, 12, 1))) == 24


def test_every_figure_is_the_count_of_its_queryset_rule(library_a):
    """Whatever the borrower rules become, one pass gives what each rule counts."""
    from stats.counting import CATEGORIES, MEASURES

    today = timezone.localdate()
    for kind in ({}, {"minor": True}, {"samordningsnummer": True}, {"lma": True}):
        BorrowerFactory(library=library_a, **kind)
        BorrowerFactory(library=library_a, valid_until=today + timedelta(days=3), **kind)
    BorrowerFactory(library=library_a, lma=True, registered_as_minor=True)
    BorrowerFactory(
        library=library_a, samordningsnummer=True, valid_until=today - timedelta(days=9)
    )
    mine = Borrower.objects.filter(library=library_a)
    row = borrower_figures(mine, today)[library_a.pk]
    for category in CATEGORIES:
        for measure in MEASURES:
            expected = measure.select(category.select(mine, today), today).count()
            assert row[figure_key(category.key, measure.key)] == expected, (category, measure)


def test_a_rule_that_joins_is_counted_by_a_subquery(library_a):
    from stats.counting import _condition

    BorrowerFactory(library=library_a).services.set([])
    condition = _condition(lambda b: b.filter(services__name="Laddare"))
    assert "pk__in" in str(condition)
