"""A registrar finds a borrower, edits them, sets a password and deletes the account;
every page state passes axe."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from borrowers.models import Borrower
from borrowers.views import manage
from tests.browser.conftest import ERROR_TITLE, assert_accessible
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.browser


def test_search_open_edit_password_and_delete(page, login_as, registrar, borrower_a, library_a):
    BorrowerFactory(library=library_a, first_name="Annika", last_name="Anström")
    login_as(registrar)
    page.goto("/mitt-bibliotek/")
    page.get_by_label("Sök användare").fill("ann")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök användare")
    assert "ann" not in page.url.split("?", 1)[1].replace("r=", "")  # only the random key
    expect(page.get_by_role("table")).to_contain_text(borrower_a.display_identifier)
    assert_accessible(page)

    page.get_by_role("link", name="Andersson, Anna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Låntagare: Anna Andersson")
    expect(page.get_by_text(borrower_a.display_identifier)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Redigera låntagare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Redigera låntagare")
    assert_accessible(page)
    page.get_by_label("Efternamn").fill("")
    page.get_by_label("E-post").fill("anna.ny@post.example")
    page.get_by_role("button", name="Spara").click()
    expect(page).to_have_title(ERROR_TITLE)
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_label("E-post")).to_have_value("anna.ny@post.example")
    assert_accessible(page)
    page.get_by_label("Efternamn").fill("Andersson-Berg")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Låntagarens uppgifter är sparade.")
    assert_accessible(page)

    page.get_by_role("link", name="Byt lösenord").click()
    assert_accessible(page)
    page.get_by_label("Nytt lösenord", exact=True).fill("kort")
    page.get_by_label("Upprepa nytt lösenord").fill("kort")
    page.get_by_role("button", name="Spara").click()
    expect(page).to_have_title(ERROR_TITLE)
    assert_accessible(page)
    page.get_by_label("Nytt lösenord", exact=True).fill("Blåbärssylt9")
    page.get_by_label("Upprepa nytt lösenord").fill("Blåbärssylt9")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("meddela låntagaren det nya lösenordet")
    assert_accessible(page)

    page.get_by_role("link", name="Redigera låntagare").click()
    page.get_by_role("link", name="Radera kontot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Radera kontot")
    assert_accessible(page)
    page.get_by_role("button", name="Radera kontot").click()
    expect(page.get_by_role("status")).to_contain_text("är raderat")
    assert re.search(r"/mitt-bibliotek/$", page.url)
    assert_accessible(page)
    assert not Borrower.objects.filter(pk=borrower_a.pk).exists()


def test_a_paginated_list_and_the_start_pages_expiry_link(
    page, login_as, registrar, library_a, monkeypatch
):
    monkeypatch.setattr(manage, "PAGE_SIZE", 2)
    soon = timezone.localdate() + timedelta(days=5)
    for n in range(3):
        BorrowerFactory(library=library_a, last_name=f"Lista{n}", valid_until=soon)
    login_as(registrar)
    page.goto("/")
    page.get_by_role("link", name=re.compile("^3")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Konton som går ut inom 14 dagar")
    assert_accessible(page)
    page.get_by_role("link", name="Visa samtliga låntagare").click()
    expect(page.get_by_role("table")).to_contain_text("3 låntagare, sida 1 av 2")
    page.get_by_role("navigation", name="Sidnumrering").get_by_role(
        "link", name="Nästa sida"
    ).click()
    expect(page.get_by_role("table")).to_contain_text("Lista2")
    assert_accessible(page)
