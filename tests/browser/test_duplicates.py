"""Likely duplicates. A registrar registering a same-name, same-birth-date person gets
a warning about their own library's borrower and saves on a second *Spara*; another
library's look-alike is never mentioned. MTM's *Möjliga dubbletter* then shows the
cross-library pair and resolves it. Every page state passes axe."""

import pytest
from playwright.sync_api import expect

from borrowers.models import Borrower
from tests.browser.conftest import ERROR_TITLE, assert_accessible
from tests.browser.test_admin import assert_only_djangos_own, mtm_user  # noqa: F401
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.browser

#: Reserved personnummer of people born on 1945-06-17.
NEW, HERE, THERE = "194506177031", "194506177064", "194506177551"


def register(page, number):
    page.goto("/lantagare/skapa/vuxen/")
    page.get_by_label("Person-/Samordningsnummer").fill(number)
    page.get_by_label("Förnamn").fill("Åke")
    page.get_by_label("Efternamn").fill("Öberg")
    page.get_by_label("E-post", exact=True).fill(f"ake{number[-4:]}@post.example")
    page.get_by_label("Jag förbinder mig", exact=False).check()
    page.get_by_role("button", name="Spara").click()


def test_the_warning_at_ones_own_library_and_the_pair_for_mtm(
    page,
    login_as,
    registrar,
    library_a,
    library_b,
    mtm_user,  # noqa: F811
):
    here = BorrowerFactory(library=library_a, identifier=HERE, first_name="ÅKE", last_name="Oberg")
    there = BorrowerFactory(
        library=library_b, identifier=THERE, first_name="Åke", last_name="Öberg"
    )
    login_as(registrar)

    register(page, NEW)
    expect(page).to_have_title(ERROR_TITLE)
    expect(page.locator(".notice-warning")).to_contain_text("samma namn och födelsedatum")
    expect(page.get_by_role("link", name=f"ÅKE Oberg, {library_a.name}")).to_be_visible()
    expect(page.get_by_text(library_b.name)).to_have_count(0)
    expect(page.get_by_label("Förnamn")).to_have_value("Åke")
    assert_accessible(page)
    page.get_by_label("Jag förbinder mig", exact=False).check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Låntagare: Åke Öberg")
    assert_accessible(page)
    new = Borrower.objects.get(identifier=NEW)

    # MTM: three accounts alike, so three pairs; the one across libraries is resolved.
    login_as(mtm_user)
    page.goto("/admin/borrowers/borrower/")
    page.get_by_role("link", name="Möjliga dubbletter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Möjliga dubbletter")
    expect(page.locator("#content-main tbody tr")).to_have_count(3)
    expect(page.locator("main, #content").first).to_contain_text(library_b.name)
    assert_only_djangos_own(page)
    row = page.locator("tr", has_text=there.display_identifier).filter(
        has_text=here.display_identifier
    )
    row.get_by_role("button", name="Inte samma person").click()
    expect(page.get_by_text("Paret är markerat som inte samma person.")).to_be_visible()
    expect(page.locator("#content-main tbody tr")).to_have_count(2)
    assert_only_djangos_own(page)
    assert Borrower.objects.filter(pk__in=[here.pk, there.pk, new.pk]).count() == 3
