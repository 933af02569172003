"""The idle-timeout warning in a real browser (WCAG 2.2.1 Timing Adjustable): shortly
before the session ends an alertdialog says so and offers "Fortsätt vara inloggad";
pressing it (here with the keyboard) extends the session on the server. The
timeout is shortened for the test through the setting behind data-session-timeout."""

import time

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.a11y]

#: Seconds of idle time in these tests; the warning comes at half of it.
TIMEOUT = 8


def test_the_warning_appears_and_its_button_extends_the_session(
    page, login_as, registrar, settings
):
    settings.SESSION_COOKIE_AGE = TIMEOUT
    login_as(registrar)
    loaded = time.monotonic()
    page.goto("/mitt-bibliotek/")
    assert page.evaluate("document.body.dataset.sessionTimeout") == str(TIMEOUT)

    dialog = page.get_by_role("alertdialog", name="Du loggas snart ut")
    dialog.wait_for(state="visible", timeout=TIMEOUT * 1000)
    assert "loggas du ut kl." in dialog.inner_text()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Fortsätt vara inloggad"
    assert_accessible(page)

    with page.expect_response("**/sessionen/fortsatt/") as ping:
        page.keyboard.press("Enter")
    assert ping.value.status == 204
    dialog.wait_for(state="hidden")

    # Past the first deadline, the session still lives: the page opens, not the login.
    time.sleep(max(0, loaded + TIMEOUT + 1 - time.monotonic()))
    page.goto("/mitt-bibliotek/")
    assert "/logga-in/" not in page.url
    assert page.get_by_role("heading", level=1).inner_text() == registrar.library.name


def test_without_an_answer_the_dialog_says_the_session_ended(page, login_as, registrar, settings):
    settings.SESSION_COOKIE_AGE = 4
    login_as(registrar)
    page.goto("/konto/mina-uppgifter/")
    ended = page.get_by_role("alertdialog", name="Du har loggats ut")
    ended.wait_for(state="visible", timeout=8000)
    link = ended.get_by_role("link", name="Logga in igen")
    assert link.get_attribute("href") == "/konto/logga-in/"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Logga in igen"
    assert_accessible(page)
    page.goto("/konto/mina-uppgifter/")
    assert "/konto/logga-in/" in page.url
