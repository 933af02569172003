"""Student utan svenskt personnummer, end to end: the registrar applies in Mitt
bibliotek, MTM approves in the admin, the student sets a password with the link in
the mail, and the registrar finds the student by the temporary number. Every page
state passes axe (the admin's: but for Django's own)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import StudentApplication
from borrowers.models import Borrower
from tests.browser.conftest import ERROR_TITLE, assert_accessible
from tests.browser.test_admin import assert_only_djangos_own

pytestmark = pytest.mark.browser


def test_apply_approve_set_password_and_find(
    page,
    login_as,
    registrar,
    library_a,
    mtm_staff,
    mailoutbox,
):
    login_as(registrar)
    page.goto("/mitt-bibliotek/")
    page.get_by_role(
        "link", name="Ansök om konto för student utan svenskt personnummer"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ansök om konto för student utan svenskt personnummer"
    )
    assert_accessible(page)
    page.get_by_label("Förnamn").fill("Mei")
    page.get_by_label("Efternamn").fill("Chen")
    page.get_by_role("button", name="Skicka ansökan").click()
    expect(page).to_have_title(ERROR_TITLE)
    expect(page.get_by_label("Förnamn")).to_have_value("Mei")
    assert_accessible(page)
    end = timezone.localdate() + timedelta(days=200)
    page.get_by_label("E-post", exact=True).fill("mei.chen@student.example")
    page.get_by_label("Födelsedatum").fill("1998-04-12")
    page.get_by_label("Beräknat slut på studierna i Sverige").fill(f"{end:%Y-%m-%d}")
    page.get_by_label("Jag förbinder mig", exact=False).check()
    page.get_by_role("button", name="Skicka ansökan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Studentansökningar")
    expect(page.get_by_role("table")).to_contain_text("Väntar")
    assert_accessible(page)

    application = StudentApplication.objects.get()
    login_as(mtm_staff)
    page.goto(f"/admin/applications/studentapplication/{application.pk}/beslut/")
    expect(page.get_by_text("1998-04-12")).to_be_visible()
    assert_only_djangos_own(page)
    page.get_by_role("button", name="Godkänn ansökan").click()
    expect(page.locator(".messagelist")).to_contain_text("tillfälliga numret")
    borrower = Borrower.objects.get()
    assert re.fullmatch(r"19980412T[0-9]{3}", borrower.identifier)

    # The student's mail: the link to choose a password.
    [credentials] = [m for m in mailoutbox if m.to == ["mei.chen@student.example"]]
    link = re.search(r"https?://\S+/lantagare/losenord/\?token=\S+", credentials.body).group(0)
    page.goto(link.split("/lantagare/", 1)[1].join(["/lantagare/", ""]))
    assert_accessible(page)
    page.get_by_label("Nytt lösenord", exact=True).fill("Blåbärssylt9")
    page.get_by_label("Upprepa nytt lösenord").fill("Blåbärssylt9")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt lösenord är sparat")
    borrower.refresh_from_db()
    assert borrower.has_usable_password()

    login_as(registrar)
    page.goto("/mitt-bibliotek/")
    page.get_by_label("Sök användare").fill(borrower.display_identifier.lower())
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.get_by_role("table")).to_contain_text(borrower.display_identifier)
    assert_accessible(page)
    page.get_by_role("link", name="Chen, Mei").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Låntagare: Mei Chen")
    expect(page.get_by_text(borrower.display_identifier)).to_be_visible()
    assert_accessible(page)
