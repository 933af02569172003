"""Applying: the public application (search, form, error, thank-you page), MTM's
decision page in the admin, and a head administrator's branch application.
Every page state passes axe, and each form is used by keyboard-reachable controls."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import StaffUser
from applications.models import AccountApplication, BranchApplication
from tests.browser.conftest import ERROR_TITLE, assert_accessible

pytestmark = pytest.mark.browser


def heading(page):
    return page.get_by_role("heading", level=1).inner_text()


def test_library_staff_apply_and_mtm_approves(page, login_as, library_a, branch_a, mtm_staff):
    page.goto("/konto/logga-in/")
    page.get_by_role("link", name="Ansök om ett registrerarkonto").click()
    assert heading(page) == "Ansök om ett registrerarkonto"
    assert_accessible(page)

    page.get_by_role("button", name="Sök bibliotek").click()  # nothing typed
    expect(page).to_have_title(ERROR_TITLE)
    assert_accessible(page)
    page.get_by_label("Bibliotekets namn").fill("filial")
    page.get_by_role("button", name="Sök bibliotek").click()
    assert page.get_by_role("heading", name=branch_a.name).is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Välj detta bibliotek").click()
    # expect() waits for the next page; page.content() read mid-navigation can be empty.
    expect(page.locator("body")).to_contain_text(branch_a.name)
    assert_accessible(page)

    # Sent half-filled: the error summary, focused, linking to the fields.
    page.get_by_label("Förnamn").fill("Alva")
    page.get_by_label("Registrerare – registrerar låntagare i användarregistret").check()
    page.get_by_role("button", name="Skicka ansökan").click()
    expect(page).to_have_title(ERROR_TITLE)
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    assert page.get_by_label("Förnamn").input_value() == "Alva"
    assert_accessible(page)
    page.get_by_role("link", name="Skriv ditt efternamn.").click()
    assert page.evaluate("document.activeElement.name") == "last_name"

    page.get_by_label("Efternamn").fill("Ansökare")
    page.get_by_label("E-post").fill("alva@a.example")
    page.get_by_label("Telefon").fill("08-123 45 67")
    page.get_by_label("Jag arbetar på det här biblioteket").check()
    page.get_by_label("Jag har gått MTM:s registrerarkurs").check()
    page.get_by_role("button", name="Skicka ansökan").click()
    # (The URL keeps the #fragment of the error link followed before: match without it.)
    page.wait_for_url(re.compile(r"/ansok/registrerarkonto/tack/"))
    assert heading(page) == "Tack för din ansökan"
    assert_accessible(page)

    application = AccountApplication.objects.get()
    assert application.library == branch_a

    # MTM: the decision page in the admin.
    login_as(mtm_staff)
    page.goto(f"/admin/applications/accountapplication/{application.pk}/beslut/")
    assert page.get_by_role("button", name="Godkänn ansökan").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Avslå ansökan").click()  # no reason: an error
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Godkänn ansökan").click()
    page.wait_for_url("**/admin/applications/accountapplication/")
    assert_accessible(page)
    assert StaffUser.objects.get(email="alva@a.example").library == library_a


def test_a_head_administrator_applies_for_a_branch(page, login_as, head_admin):
    login_as(head_admin)
    page.goto("/mitt-bibliotek/filialer/")
    page.get_by_role("link", name="Ansök om en filial").click()
    assert heading(page) == "Ansök om en filial"
    assert_accessible(page)

    page.get_by_role("button", name="Skicka ansökan").click()
    expect(page).to_have_title(ERROR_TITLE)
    assert_accessible(page)

    page.get_by_label("Filialens namn").fill("Östra filialen")
    page.get_by_label("Gatuadress").fill("Storgatan 1")
    page.get_by_label("Postnummer").fill("123 45")
    page.get_by_label("Postort").fill("Solna")
    page.get_by_label("Kommun").select_option(label="Solna")
    page.get_by_role("button", name="Skicka ansökan").click()
    assert "har skickats till MTM" in page.get_by_role("status").inner_text()
    assert page.get_by_role("table", name="Ansökningar som väntar på MTM").is_visible()
    assert_accessible(page)
    assert BranchApplication.objects.get().name == "Östra filialen"
