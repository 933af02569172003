"""Moving borrowers, from both libraries' side: a request out from library A and
its acceptance at library B; a rejection; a pull. Every page passes axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ERROR_TITLE, assert_accessible
from transfers.models import TransferRequest

pytestmark = pytest.mark.browser


def heading(page):
    return page.get_by_role("heading", level=1).inner_text()


def test_library_a_asks_and_library_b_accepts(page, login_as, registrar, registrar_b, borrower_a):
    login_as(registrar)
    page.goto(f"/lantagare/{borrower_a.code}/")
    page.get_by_role("link", name="Byt bibliotek").click()
    assert heading(page) == "Byt bibliotek"
    assert_accessible(page)

    page.get_by_role("link", name="gå till bibliotekssökning").click()
    assert_accessible(page)
    page.get_by_role("button", name="Sök bibliotek").click()  # nothing typed: the error summary
    expect(page).to_have_title(ERROR_TITLE)
    assert_accessible(page)
    page.get_by_label("Bibliotekets namn").fill("bibliotek b")
    page.get_by_role("button", name="Sök bibliotek").click()
    assert page.get_by_role("heading", name="Bibliotek B").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Välj detta bibliotek").click()
    assert heading(page) == "Bekräfta bytet av bibliotek"
    assert_accessible(page)
    page.get_by_role("button", name="Bekräfta").click()
    page.wait_for_url(f"**/lantagare/{borrower_a.code}/")
    assert "Flyttansökan till Bibliotek B är gjord" in page.get_by_role("status").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Byt bibliotek").click()
    assert page.get_by_role("button", name="Återkalla flyttansökan").is_visible()
    assert_accessible(page)

    # Library B's registrar: the start page, the list, Behandla ansökan, Byt bibliotek.
    login_as(registrar_b)
    page.goto("/")
    assert page.get_by_role("heading", name="Obehandlade flyttansökningar").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^1 ansökan om byte")).click()
    assert heading(page) == "Ansökningar om biblioteksbyte"
    assert_accessible(page)
    page.get_by_role("link", name="Behandla ansökan – Anna Andersson").click()
    assert heading(page) == "Behandla ansökan"
    assert borrower_a.display_identifier in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Byt bibliotek").click()
    page.wait_for_url("**/flytt/")
    assert "Anna Andersson har flyttats till Bibliotek B" in page.get_by_role("status").inner_text()
    assert_accessible(page)

    borrower_a.refresh_from_db()
    assert borrower_a.library == registrar_b.library


def test_library_b_declines_and_the_borrower_stays_at_library_a(
    page, login_as, registrar, registrar_b, borrower_a, library_a, library_b
):
    TransferRequest.request(borrower_a, to_library=library_b, by=registrar)
    login_as(registrar_b)
    page.goto("/mitt-bibliotek/")
    page.get_by_role("link", name="Ansökningar om biblioteksbyte").click()
    assert_accessible(page)
    page.get_by_role("link", name="Behandla ansökan – Anna Andersson").click()
    page.get_by_role("button", name="Neka byte").click()
    page.wait_for_url("**/flytt/")
    assert "har nekats" in page.get_by_role("status").inner_text()
    assert "Det finns inga obehandlade" in page.content()
    assert_accessible(page)

    login_as(registrar)
    page.goto(f"/lantagare/{borrower_a.code}/")
    page.get_by_role("link", name="Byt bibliotek").click()
    assert page.get_by_role("link", name="gå till bibliotekssökning").is_visible()
    assert_accessible(page)
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_a


def test_library_b_pulls_a_borrower_of_library_a(page, login_as, registrar_b, borrower_a):
    login_as(registrar_b)
    page.goto("/lantagare/skapa/vuxen/")
    page.get_by_label("Person-/Samordningsnummer").fill(borrower_a.display_identifier)
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert_accessible(page)

    page.get_by_role("link", name="flytta användaren").click()
    assert heading(page) == "Byt bibliotek"
    assert "Anna Andersson" in page.content() and borrower_a.email in page.content()
    assert borrower_a.display_identifier not in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Bekräfta").click()  # consent not ticked
    page.wait_for_load_state()
    expect(page).to_have_title(ERROR_TITLE)
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page)

    page.get_by_label("Användaren har godkänt flytten").check()
    page.get_by_role("button", name="Bekräfta").click()
    page.wait_for_url(f"**/lantagare/{borrower_a.code}/")
    assert "har flyttats till Bibliotek B" in page.get_by_role("status").inner_text()
    assert_accessible(page)
    borrower_a.refresh_from_db()
    assert borrower_a.library == registrar_b.library
