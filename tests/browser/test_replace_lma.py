"""An LMA holder has got a personnummer: from the LMA borrower's page the registrar
opens *Personen har fått personnummer*, types the number and saves; the new account
has the same e-mail and the LMA account is gone. Every page state passes axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from borrowers.models import Borrower
from tests.browser.conftest import ERROR_TITLE, assert_accessible
from tests.factories import ADULT_PERSONNUMMER, BorrowerFactory

pytestmark = pytest.mark.browser


def test_an_lma_account_becomes_a_personnummer_account(page, login_as, registrar, library_a):
    lma = BorrowerFactory(
        library=library_a,
        lma=True,
        first_name="Lana",
        last_name="Lindqvist",
        email="lana@post.example",
        valid_until=timezone.localdate() + timedelta(days=100),
    )
    number = next(n for n in ADULT_PERSONNUMMER if not Borrower.objects.filter(identifier=n))
    login_as(registrar)
    page.goto(f"/lantagare/{lma.code}/")
    page.get_by_role("link", name="Personen har fått personnummer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personen har fått personnummer")
    expect(page.get_by_label("E-post")).to_have_value("lana@post.example")
    expect(page.get_by_label("Förnamn")).to_have_value("Lana")
    assert_accessible(page)

    page.get_by_role("button", name="Spara").click()
    expect(page).to_have_title(ERROR_TITLE)
    expect(page.get_by_label("Efternamn")).to_have_value("Lindqvist")
    assert_accessible(page)

    page.get_by_label("Person-/Samordningsnummer").fill(number)
    page.get_by_label("Jag förbinder mig", exact=False).check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("kontot med LMA-numret är raderat")
    expect(page.get_by_role("heading", level=1)).to_have_text("Låntagare: Lana Lindqvist")
    assert_accessible(page)
    new = Borrower.objects.get(identifier=number)
    assert new.email == "lana@post.example"
    assert not Borrower.objects.filter(pk=lma.pk).exists()
