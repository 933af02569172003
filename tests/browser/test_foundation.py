"""A registrar logs in, sees the start page and Mitt bibliotek: each page passes axe."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ERROR_TITLE, assert_accessible
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_registrar_logs_in_by_typing_and_reaches_the_start_page(page, registrar):
    page.goto("/konto/logga-in/")
    assert page.title() == "Logga in – MTM:s användarregister"
    assert_accessible(page)
    page.get_by_label("E-post").fill(registrar.email)
    page.get_by_label("Lösenord", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == registrar.library.name
    assert_accessible(page)


def test_failed_login_shows_a_focused_error_summary(page, registrar):
    page.goto("/konto/logga-in/")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    expect(page).to_have_title(ERROR_TITLE)
    expect(page.locator("#error-summary")).to_be_focused()
    for href in page.locator("#error-summary a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    ):
        assert page.locator(href).get_attribute("aria-invalid") == "true"
    assert_accessible(page)


def test_my_library_and_branches_pass_axe(page, login_as, head_admin, branch_a):
    login_as(head_admin)
    page.goto("/mitt-bibliotek/")
    assert_accessible(page)
    page.get_by_role("link", name="Visa filialer").click()
    page.get_by_role("link", name=branch_a.name).click()
    assert page.get_by_role("heading", level=1).inner_text() == branch_a.name
    assert_accessible(page)
    page.get_by_role("link", name="Visa registrerare").click()
    assert_accessible(page)


def test_profile_and_password_reset_pages_pass_axe(page, login_as, registrar):
    page.goto("/konto/glomt-losenord/")
    assert_accessible(page)
    login_as(registrar)
    page.goto("/konto/mina-uppgifter/")
    page.get_by_role("button", name="Ändra lösenord").click()
    page.wait_for_load_state()
    expect(page).to_have_title(ERROR_TITLE)
    assert_accessible(page)


def test_no_page_scrolls_sideways_at_320_pixels(page, login_as, head_admin):
    login_as(head_admin)
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ["/", "/mitt-bibliotek/", "/konto/mina-uppgifter/", "/tillganglighet/"]:
        page.goto(path)
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), path
