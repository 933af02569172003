"""Mina sidor in a real browser: every page state passes axe, and works by keyboard."""

import re
from datetime import date

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import ERROR_TITLE, assert_accessible
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.browser

PASSWORD = "Sommarregn över taken"
NEW = "Höstlöv i parken"


@pytest.fixture
def borrower(library_a):
    borrower = BorrowerFactory(
        library=library_a, first_name="Lena", last_name="Läsare", email="lena@post.example"
    )
    borrower.set_password(PASSWORD)
    borrower.save()
    return borrower


def log_in(page, email="lena@post.example", password=PASSWORD):
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def test_login_details_password_change_and_logout(page, borrower):
    page.goto("/mina-sidor/logga-in/")
    assert page.title() == "Logga in på Mina sidor – Legimus – Mina sidor"
    assert_accessible(page)

    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    expect(page).to_have_title(ERROR_TITLE)
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page)

    log_in(page, password="fel lösenord")
    assert "E-postadressen eller lösenordet är fel" in page.locator("#error-summary").inner_text()
    assert_accessible(page)

    log_in(page)
    page.wait_for_url("**/mina-sidor/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mina uppgifter"
    assert f"{borrower.identifier[:8]}-****" in page.content()
    assert_accessible(page)

    nav = page.get_by_role("navigation", name="Mina sidor")
    nav.get_by_role("link", name="Byt lösenord").click()
    page.wait_for_url("**/byt-losenord/")
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    expect(page).to_have_title(ERROR_TITLE)
    assert_accessible(page)

    page.get_by_label("Nuvarande lösenord").fill(PASSWORD)
    page.get_by_label("Nytt lösenord", exact=True).fill(NEW)
    page.get_by_label("Upprepa nytt lösenord").fill(NEW)
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/mina-sidor/")
    assert "Ditt nya lösenord är sparat" in page.get_by_role("status").inner_text()
    assert_accessible(page)

    # Keyboard only: tab to Logga ut and press Enter.
    logout = nav.get_by_role("button", name="Logga ut")
    logout.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/mina-sidor/logga-in/")
    page.goto("/mina-sidor/")
    page.wait_for_url("**/mina-sidor/logga-in/")


def test_expired_account_and_lockout_pages(page, borrower, settings):
    settings.AXES_FAILURE_LIMIT = 2
    borrower.valid_until = date(2020, 1, 31)
    borrower.save()
    page.goto("/mina-sidor/logga-in/")
    log_in(page)
    summary = page.locator("#error-summary").inner_text()
    assert "2020-01-31" in summary and "Bibliotek A" in summary
    assert_accessible(page)

    log_in(page, password="fel")
    log_in(page, password="fel")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "För många misslyckade inloggningsförsök"
    )
    assert_accessible(page)


def test_forgot_password_by_mailed_link(page, borrower):
    page.goto("/mina-sidor/logga-in/")
    page.get_by_role("link", name="Glömt lösenord").click()
    page.wait_for_url("**/glomt-losenord/")
    assert_accessible(page)
    page.get_by_role("button", name="Skicka länk").click()
    page.wait_for_load_state()
    expect(page).to_have_title(ERROR_TITLE)
    assert_accessible(page)

    page.get_by_label("E-post").fill("lena@post.example")
    page.get_by_role("button", name="Skicka länk").click()
    page.wait_for_url("**/glomt-losenord/skickat/")
    assert_accessible(page)

    path = re.search(r"https://register\.example(/\S+)", mail.outbox[-1].body)[1]
    page.goto(path)
    page.wait_for_url("**/nytt-losenord/valj/")
    assert_accessible(page)
    page.get_by_label("Nytt lösenord", exact=True).fill("kort")
    page.get_by_label("Upprepa nytt lösenord").fill("kort")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    expect(page).to_have_title(ERROR_TITLE)
    assert_accessible(page)

    page.get_by_label("Nytt lösenord", exact=True).fill(NEW)
    page.get_by_label("Upprepa nytt lösenord").fill(NEW)
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/mina-sidor/logga-in/")
    assert "Logga in med det" in page.get_by_role("status").inner_text()
    assert_accessible(page)

    page.goto(path)  # used once already
    assert page.get_by_role("heading", level=1).inner_text() == "Länken fungerar inte längre"
    assert_accessible(page)

    page.goto("/mina-sidor/logga-in/")
    log_in(page, password=NEW)
    page.wait_for_url("**/mina-sidor/")


def test_moving_to_another_library_and_withdrawing(page, borrower, library_b):
    page.goto("/mina-sidor/logga-in/")
    log_in(page)
    page.get_by_role("navigation", name="Mina sidor").get_by_role(
        "link", name="Byt bibliotek"
    ).click()
    page.wait_for_url("**/byt-bibliotek/")
    assert_accessible(page)

    page.get_by_role("button", name="Sök").click()
    page.wait_for_load_state()
    expect(page).to_have_title(ERROR_TITLE)
    assert_accessible(page)

    page.get_by_label("Bibliotekets namn").fill("Bibliotek B")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_load_state()
    table = page.get_by_role("table")
    assert "Folkbibliotek" in table.inner_text() and "Stockholms län" in table.inner_text()
    assert_accessible(page)

    row = page.get_by_role("row").filter(has_text="Bibliotek B")
    row.get_by_role("link", name="Välj detta bibliotek").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Bekräfta bytet av bibliotek"
    assert_accessible(page)
    page.get_by_role("button", name="Bekräfta").click()
    page.wait_for_load_state()
    assert "Din ansökan om att flytta till Bibliotek B är skickad" in (
        page.get_by_role("status").inner_text()
    )
    assert_accessible(page)

    page.get_by_role("button", name="Återkalla ansökan").click()
    page.wait_for_load_state()
    assert "återkallad" in page.get_by_role("status").inner_text()
    assert_accessible(page)
