"""Registering borrowers in a real browser: each create form is filled, fails, is
fixed and saved; the set-password page likewise. axe on every state."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from borrowers.credentials import make_token
from borrowers.models import Borrower
from tests.browser.conftest import ERROR_TITLE, assert_accessible
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.browser

AGREEMENT = "Jag förbinder mig att följa MTM:s låneregler"


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def submit(page):
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()


def assert_error_state(page, *fields):
    expect(page).to_have_title(ERROR_TITLE)
    expect(page.locator("#error-summary")).to_be_focused()
    for field in fields:
        assert page.locator(f"#id_{field}").get_attribute("aria-invalid") == "true", field
    assert_accessible(page)


def test_adult_at_a_branch_fill_fail_fix_save(page, login_as, registrar, branch_a):
    login_as(registrar)
    page.goto("/mitt-bibliotek/")
    page.get_by_role("link", name="Visa filialer").click()
    page.get_by_role("link", name=branch_a.name).click()
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="Skapa vuxen låntagare", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Skapa vuxen låntagare"
    assert page.get_by_label("Bibliotek", exact=True).input_value() == str(branch_a.pk)
    assert page.get_by_label("Skicka inloggningsuppgifter med e-post").is_checked()
    assert_accessible(page)

    # A minor's number, no e-mail, no agreement.
    page.get_by_label("Person-/Samordningsnummer").fill("20150101-2395")
    page.get_by_label("Förnamn").fill("Nora")
    page.get_by_label("Efternamn").fill("Ny")
    submit(page)
    assert_error_state(page, "identifier", "email", "agreement")
    notice = page.locator(".notice-danger")
    go = notice.get_by_role("button", name="Gå till Skapa låntagare under 18 år med det du har")
    assert go.is_visible()
    assert page.get_by_label("Förnamn").input_value() == "Nora"

    page.get_by_label("Person-/Samordningsnummer").fill("19850113-9995")
    page.get_by_label("E-post", exact=True).fill("nora.ny@post.example")
    page.get_by_label("Laddare").check()
    page.get_by_label(AGREEMENT).check()
    submit(page)
    borrower = Borrower.objects.get(identifier="198501139995")
    assert borrower.library == branch_a
    page.wait_for_url(f"**{reverse('borrowers:detail', args=[borrower.code])}")
    assert_accessible(page)


def test_minor_fill_fail_fix_save(page, login_as, registrar):
    login_as(registrar)
    page.goto("/mitt-bibliotek/")
    page.get_by_role("link", name="Skapa låntagare under 18 år", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Person-/Samordningsnummer").fill("20150101-2395")
    page.get_by_label("Förnamn").fill("Nils")
    page.get_by_label("Efternamn").fill("Ny")
    page.get_by_label("E-post", exact=True).fill("nils@post.example")
    page.get_by_label("Vårdnadshavarens födelsedatum").fill(in_days(-365 * 10))
    page.get_by_label(AGREEMENT).check()
    submit(page)
    assert_error_state(page, "guardian_birth_date")
    page.get_by_label("Vårdnadshavarens födelsedatum").fill("1980-05-17")
    submit(page)
    borrower = Borrower.objects.get(identifier="201501012395")
    assert borrower.registered_as_minor
    page.wait_for_url(f"**{reverse('borrowers:detail', args=[borrower.code])}")
    assert_accessible(page)


def test_lma_adult_fill_fail_fix_save(page, login_as, registrar, library_b):
    BorrowerFactory(library=library_b, lma=True, identifier="99000021")
    login_as(registrar)
    page.goto(reverse("borrowers:create_lma_adult"))
    assert_accessible(page)
    page.get_by_label("LMA-nummer").fill("99-000021")
    page.get_by_label("Förnamn").fill("Lina")
    page.get_by_label("Efternamn").fill("Lma")
    page.get_by_label("E-post", exact=True).fill("lina@post.example")
    page.get_by_label(AGREEMENT).check()
    submit(page)
    # Already at another library: the red notice, and the missing card date.
    assert_error_state(page, "identifier", "valid_until")
    assert "Användaren finns redan hos Bibliotek B." in page.locator(".notice-danger").inner_text()
    page.get_by_label("LMA-nummer").fill("99-000022")
    page.get_by_label("LMA-kortets giltighetstid").fill(in_days(90))
    submit(page)
    borrower = Borrower.objects.get(identifier="99000022")
    page.wait_for_url(f"**{reverse('borrowers:detail', args=[borrower.code])}")
    assert_accessible(page)


def test_lma_minor_fill_fail_fix_save(page, login_as, registrar):
    login_as(registrar)
    page.goto(reverse("borrowers:create_lma_minor"))
    assert_accessible(page)
    page.get_by_label("LMA-nummer").fill("99-000023/4")
    page.get_by_label("LMA-kortets giltighetstid").fill(in_days(90))
    page.get_by_label("Förnamn").fill("Leo")
    page.get_by_label("Efternamn").fill("Lma")
    page.get_by_label("E-post", exact=True).fill(registrar.email)
    page.get_by_label("Vårdnadshavarens födelsedatum").fill("1980-05-17")
    page.get_by_label(AGREEMENT).check()
    submit(page)
    assert_error_state(page, "identifier", "email", "guardian_name")
    page.get_by_label("LMA-nummer").fill("99-000023")
    page.get_by_label("E-post", exact=True).fill("leo@post.example")
    page.get_by_label("Vårdnadshavarens namn").fill("Vera Vårdnadshavare")
    page.get_by_label("Skicka inloggningsuppgifter med e-post").uncheck()
    submit(page)
    borrower = Borrower.objects.get(identifier="99000023")
    assert borrower.guardian_name == "Vera Vårdnadshavare" and borrower.credentials_sent_at is None
    page.wait_for_url(f"**{reverse('borrowers:detail', args=[borrower.code])}")
    assert_accessible(page)


def test_protected_identity_ends_on_a_confirmation(page, login_as, registrar):
    login_as(registrar)
    page.goto(reverse("borrowers:create_adult"))
    page.get_by_label("Person-/Samordningsnummer").fill("199001012385")
    page.get_by_label("E-post", exact=True).fill("skyddad@post.example")
    page.get_by_label("Skyddad identitet").check()
    page.get_by_label(AGREEMENT).check()
    submit(page)
    page.wait_for_url("**/skapa/overlamnad-till-mtm/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kontot är överlämnat till MTM"
    assert_accessible(page)


def test_borrower_chooses_a_password(page, library_a, registrar):
    borrower = BorrowerFactory(library=library_a, email="nora@post.example")
    borrower.send_credentials(by=registrar)
    borrower.refresh_from_db()
    page.goto(reverse("borrowers:choose_password", args=[make_token(borrower)]))
    assert page.get_by_role("heading", level=1).inner_text() == "Välj ditt lösenord"
    assert_accessible(page)
    page.get_by_label("Nytt lösenord", exact=True).fill("kort")
    page.get_by_label("Upprepa nytt lösenord").fill("annat")
    submit(page)
    assert_error_state(page, "new_password1")
    page.get_by_label("Nytt lösenord", exact=True).fill("blå-sommar-eka")
    page.get_by_label("Upprepa nytt lösenord").fill("blå-sommar-eka")
    page.get_by_label("Visa lösenord").check()
    assert page.get_by_label("Nytt lösenord", exact=True).get_attribute("type") == "text"
    submit(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Ditt lösenord är sparat"
    assert_accessible(page)
    borrower.refresh_from_db()
    assert borrower.check_password("blå-sommar-eka")
