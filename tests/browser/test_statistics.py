"""Statistik in a real browser: a head administrator watches the figures change as
borrowers are registered, moved and deleted; MTM's national page; axe on both,
charts included (loaded as images under the CSP, each with its text alternative)."""

import pytest
from playwright.sync_api import expect

from borrowers.identity import parse_personal_number
from borrowers.models import Borrower
from tests.browser.conftest import assert_accessible
from tests.browser.test_admin import assert_only_djangos_own
from tests.factories import ADULT_PERSONNUMMER
from transfers.models import TransferRequest

pytestmark = pytest.mark.browser


def cell(page, table, row, column):
    """The number in `row` (its heading) and `column` (1 = the first figure)."""
    line = page.locator(
        f"[aria-labelledby={table}-caption] tr", has=page.locator("th", has_text=row)
    ).first
    return line.locator("td").nth(column - 1).inner_text()


def charts_loaded(page) -> list:
    return page.eval_on_selector_all(
        "img.stats-chart", "imgs => imgs.map(i => [i.complete && i.naturalWidth > 0, i.alt])"
    )


def register(number, *, by, library, protected=False):
    from django.utils import timezone

    return Borrower.objects.register(
        by=by,
        identity=parse_personal_number(number, today=timezone.localdate()),
        email=f"b{number}@post.example",
        valid_until=None,
        library=library,
        first_name="Stina",
        last_name="Statistik",
        protected=protected,
        send_credentials=False,
    )


def test_a_head_administrator_sees_the_figures_change(
    page, login_as, head_admin, registrar_b, library_a, branch_a, library_b
):
    violations = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    login_as(head_admin)
    page.goto("/mitt-bibliotek/")
    page.get_by_role("link", name="Statistik").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Statistik")
    assert cell(page, "per-bibliotek", "Totalt", 2) == "0"
    loaded = charts_loaded(page)
    assert len(loaded) == 5 and all(ok for ok, _alt in loaded)
    assert loaded[0][1].startswith("Nya registreringar per månad")
    assert_accessible(page)

    numbers = iter(ADULT_PERSONNUMMER[60:])
    first = register(next(numbers), by=head_admin, library=library_a)
    register(next(numbers), by=head_admin, library=branch_a)
    register(next(numbers), by=head_admin, library=library_a, protected=True)
    page.reload()
    assert cell(page, "per-bibliotek", "Totalt", 2) == "2"
    assert cell(page, "per-bibliotek", branch_a.name, 2) == "1"
    month = page.locator("[aria-labelledby=per-manad-caption] tbody tr").last
    assert month.locator("td").nth(0).inner_text() == "2"  # the protected one is not counted

    TransferRequest.request(first, to_library=library_b, by=head_admin).accept(by=registrar_b)
    page.reload()
    assert cell(page, "per-bibliotek", "Totalt", 2) == "1"
    month = page.locator("[aria-labelledby=per-manad-caption] tbody tr").last
    assert month.locator("td").nth(3).inner_text() == "1"  # Flyttar ut

    branch_a.borrowers.get().delete_account(by=head_admin)
    page.reload()
    assert cell(page, "per-bibliotek", "Totalt", 2) == "0"
    month = page.locator("[aria-labelledby=per-manad-caption] tbody tr").last
    assert month.locator("td").nth(1).inner_text() == "1"  # Raderingar

    # Only the branch: its own table of kinds and series.
    page.get_by_label("Bibliotek", exact=True).select_option(label=branch_a.name)
    page.get_by_role("button", name="Visa").click()
    expect(page.locator("#nu-caption")).to_contain_text(branch_a.name)
    assert all(ok for ok, _alt in charts_loaded(page))
    assert_accessible(page)
    assert violations == []


def test_mtm_sees_the_country_per_county(page, login_as, mtm_staff, library_a, head_admin):
    register(ADULT_PERSONNUMMER[70], by=head_admin, library=library_a)
    login_as(mtm_staff)
    page.goto("/admin/")
    page.get_by_role("link", name="Statistik för hela landet").click()
    expect(page.get_by_role("heading", name="Låntagare per län")).to_be_visible()
    assert cell(page, "lan", "Totalt", 1) == "1"
    assert all(ok for ok, _alt in charts_loaded(page))
    assert_only_djangos_own(page)
    page.get_by_label("Från").fill("2026-02-30")
    page.get_by_role("button", name="Visa").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_only_djangos_own(page)
