"""Keyboard only (WCAG 2.1.1, 2.4.1, 2.4.3, 2.4.7, 2.4.11): two whole flows with
page.keyboard alone — Tab, Shift+Tab, Space, Enter and typing; no clicks, no fill,
no locator actions (the page's state is only read). Every focus stop must show a
visible focus indicator (an outline of at least 2 px, or a box-shadow) and be in
view; each page starts with the skip link, whose Enter moves focus to <main>."""

import pytest
from playwright.sync_api import expect

from borrowers.models import Borrower
from tests.browser.conftest import ERROR_TITLE, assert_accessible
from transfers.models import TransferRequest

pytestmark = [pytest.mark.browser, pytest.mark.a11y]

#: Tab presses allowed to reach one element before the test gives up.
MAX_STOPS = 60

FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {
    tag: e.tagName.toLowerCase(), id: e.id, cls: e.className || '',
    href: e.getAttribute('href'), type: e.getAttribute('type'),
    text: (e.innerText || e.value || '').trim().replace(/\\s+/g, ' ').slice(0, 80),
    name: (e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 120),
    checked: !!e.checked,
    outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
    boxShadow: s.boxShadow,
    inView: r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth,
  };
}"""


#: Resolves once the page has stopped scrolling (Bootstrap scrolls smoothly to a
#: newly focused element unless the person prefers reduced motion).
SETTLED = """() => new Promise(resolve => {
  let last = null, still = 0;
  const check = () => {
    const now = scrollX + ',' + scrollY;
    still = now === last ? still + 1 : 0;
    last = now;
    if (still >= 3) resolve(); else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})"""


def focused(page) -> dict:
    page.evaluate(SETTLED)
    return page.evaluate(FOCUSED)


def assert_focus_visible(page) -> dict:
    """The element that has focus shows it, and is not hidden off screen."""
    element = focused(page)
    if element["tag"] in ("body", "main"):  # nothing focused / the skip link's target
        return element
    outline = element["outlineStyle"] != "none" and element["outlineWidth"] >= 2
    visible = outline or element["boxShadow"] not in ("none", "")
    assert visible, f"no visible focus on {element}"
    assert element["inView"], f"the focused element is out of view: {element}"
    return element


def tab(page, *, back=False) -> dict:
    page.keyboard.press("Shift+Tab" if back else "Tab")
    return assert_focus_visible(page)


def tab_to(page, matches, *, back=False) -> dict:
    """Tab (or Shift+Tab) until the focused element matches; check every stop on the way."""
    for _ in range(MAX_STOPS):
        element = tab(page, back=back)
        if matches(element):
            return element
    raise AssertionError(f"not reached by {'Shift+' if back else ''}Tab in {MAX_STOPS} stops")


def by_id(element_id):
    return lambda element: element["id"] == element_id


def by_text(text):
    return lambda element: element["text"] == text


def by_name_start(text):
    return lambda element: element["name"].startswith(text)


def skip_to_main(page):
    """The first Tab focuses the skip link; Enter moves focus to <main>."""
    element = tab(page)
    assert "skip-link" in element["cls"] and element["href"] == "#main-content", element
    assert element["inView"], "the skip link does not appear when focused"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"


def press_enter_and_wait(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_register_an_adult_borrower_with_the_keyboard_only(page, login_as, registrar):
    login_as(registrar)
    page.goto("/")
    skip_to_main(page)
    tab_to(page, by_text("Gå till Mitt bibliotek"))
    press_enter_and_wait(page)

    # Mitt bibliotek: the side menu comes before <main>; after the skip link,
    # Shift+Tab goes back into it.
    skip_to_main(page)
    tab_to(page, by_text("Skapa vuxen låntagare"), back=True)
    press_enter_and_wait(page)
    assert page.title().startswith("Skapa vuxen låntagare")

    skip_to_main(page)
    tab_to(page, by_id("id_identifier"))
    page.keyboard.type("19850113-9995")
    tab_to(page, by_id("id_first_name"))
    page.keyboard.type("Nora")
    tab_to(page, by_id("id_last_name"))
    page.keyboard.type("Tangent")
    tab_to(page, by_id("id_email"))
    page.keyboard.type("nora.tangent@post.example")
    tab_to(page, by_id("id_services_0"))
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    # Forget the agreement: the error summary takes focus and leads to the box.
    tab_to(page, by_text("Spara"))
    press_enter_and_wait(page)
    expect(page).to_have_title(ERROR_TITLE)
    assert focused(page)["id"] == "error-summary"
    assert_focus_visible(page)
    assert_accessible(page)
    link = tab(page)
    assert link["href"] == "#id_agreement", link
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_agreement"
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    assert_focus_visible(page)
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    tab_to(page, by_text("Spara"))
    press_enter_and_wait(page)

    borrower = Borrower.objects.get(identifier="198501139995")
    assert page.url.endswith(f"/lantagare/{borrower.code}/")
    # The success message is a status message (WCAG 4.1.3).
    status = page.evaluate(
        "[...document.querySelectorAll('[role=status]')].map(e => e.innerText).join(' ')"
    )
    assert "Låntagaren är registrerad" in status
    assert borrower.last_name == "Tangent" and borrower.services.count() == 1
    assert_accessible(page)


def test_accept_a_transfer_with_the_keyboard_only(
    page, login_as, registrar, registrar_b, borrower_a, library_b
):
    TransferRequest.request(borrower_a, to_library=library_b, by=registrar)
    login_as(registrar_b)
    page.goto("/")
    skip_to_main(page)
    tab_to(page, by_text("1 ansökan om byte till ditt bibliotek väntar"))
    press_enter_and_wait(page)
    assert page.title().startswith("Ansökningar om biblioteksbyte")

    skip_to_main(page)
    tab_to(page, by_name_start("Behandla ansökan – Anna Andersson"))
    press_enter_and_wait(page)
    assert page.title().startswith("Behandla ansökan")

    skip_to_main(page)
    tab_to(page, by_text("Byt bibliotek"))
    press_enter_and_wait(page)
    assert page.url.endswith("/flytt/")
    status = page.evaluate(
        "[...document.querySelectorAll('[role=status]')].map(e => e.innerText).join(' ')"
    )
    assert "Anna Andersson har flyttats till Bibliotek B" in status
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_b
    assert_accessible(page)
