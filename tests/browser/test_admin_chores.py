"""MTM's national chores in the admin (docs/chores.md): axe-core and the keyboard on
*Slå ihop konton* and *Förläng giltighetstid*."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from borrowers.models import Borrower
from tests.browser.test_admin import assert_only_djangos_own, mtm_user  # noqa: F401
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def mtm_merger(mtm_user):  # noqa: F811
    mtm_user.user_permissions.add(Permission.objects.get(codename="merge_borrower"))
    return mtm_user


def test_merge_page_passes_axe_and_works_by_keyboard(page, login_as, mtm_merger, library_a):
    first = BorrowerFactory(
        library=library_a, samordningsnummer=True, first_name="Åke", last_name="Öberg"
    )
    second = BorrowerFactory(
        library=library_a, first_name="Ake", last_name="Oberg", valid_until=None
    )
    login_as(mtm_merger)
    page.goto(f"/admin/borrowers/borrower/sla-ihop/{first.pk}/{second.pk}/")
    assert page.title().startswith("Slå ihop konton")
    assert_only_djangos_own(page)

    # A coordination number with no end date: refused, with a summary linking the row.
    page.locator("#id_valid_until_1").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Slå ihop kontona").press("Enter")
    page.wait_for_load_state()
    summary = page.locator(".errornote")
    assert summary.count() == 1
    assert page.locator("#id_valid_until_1").is_checked(), "nothing chosen is lost"
    assert_only_djangos_own(page)

    # By keyboard: the summary link, then the arrow keys choose the other value.
    summary.get_by_role("link").first.click()
    page.locator("#id_valid_until_0").focus()
    page.keyboard.press("Space")
    page.locator("#id_identifier_1").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Slå ihop kontona").press("Enter")
    page.wait_for_url("**/change/**")
    kept = Borrower.objects.get()
    assert kept.pk == first.pk and kept.identifier == second.identifier
    assert kept.valid_until == first.valid_until and kept.valid_until > timezone.localdate()


def test_extend_pages_pass_axe_and_work_by_keyboard(page, login_as, mtm_user, library_a):  # noqa: F811
    soon = timezone.localdate() + timedelta(days=10)
    BorrowerFactory(library=library_a, valid_until=soon, first_name="Anna")
    BorrowerFactory(library=library_a, lma=True, valid_until=soon, first_name="Bo")
    login_as(mtm_user)
    page.goto("/admin/borrowers/borrower/?upphor_inom=14")
    assert_only_djangos_own(page)
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("extend_validity")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert_only_djangos_own(page)
    field = page.get_by_label("Ny giltighetstid t.o.m.")
    field.fill(f"{timezone.localdate() + timedelta(days=200):%Y-%m-%d}")
    field.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="1 konto förlängt", exact=False).count() == 1
    assert "LMA-kortet" in page.content()
    assert_only_djangos_own(page)


def test_move_all_pages_pass_axe(page, login_as, mtm_user, library_a, branch_a):  # noqa: F811
    mtm_user.user_permissions.add(Permission.objects.get(codename="add_librarymove"))
    BorrowerFactory.create_batch(2, library=branch_a)
    login_as(mtm_user)
    page.goto(f"/admin/libraries/library/{branch_a.pk}/flytta-alla/")
    assert_only_djangos_own(page)
    page.get_by_role("button", name="Nästa").press("Enter")
    page.wait_for_load_state()
    assert "2 låntagare flyttas" in page.content()
    assert_only_djangos_own(page)
    page.get_by_label("Inaktivera biblioteket när flytten är klar").check()
    page.get_by_role("button", name="Flytta").press("Enter")
    page.wait_for_url(f"**/libraries/library/{branch_a.pk}/change/")
    assert "2 av 2 låntagare flyttade" in page.content()
    assert_only_djangos_own(page)
