"""A borrower registered as a child turns 18: after the daily run the registrar's
borrower page and edit form hold no guardian data; both pages pass axe."""

from datetime import date

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.browser


def test_the_guardian_data_is_gone_from_the_pages_after_the_18th_birthday(
    page, login_as, registrar, library_a, mailoutbox
):
    # Adult by the number, still holding the data of the guardian who signed.
    borrower = BorrowerFactory(
        library=library_a,
        first_name="Ung",
        last_name="Vuxen",
        registered_as_minor=True,
        guardian_birth_date=date(1970, 1, 1),
        guardian_name="Greta Vårdnadshavare",
    )
    login_as(registrar)
    page.goto(f"/lantagare/{borrower.code}/")
    expect(page.get_by_text("Greta Vårdnadshavare")).to_be_visible()

    call_command("release_guardian_data")

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Låntagare: Ung Vuxen")
    expect(page.get_by_text("Greta Vårdnadshavare")).to_have_count(0)
    expect(page.get_by_text("registrerad som under 18")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Redigera låntagare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Redigera låntagare")
    expect(page.get_by_label("Vårdnadshavarens födelsedatum")).to_have_count(0)
    assert_accessible(page)
    [message] = mailoutbox
    assert message.subject == "Ditt konto i Legimus är nu ditt"
