"""Reflow and text spacing (WCAG 1.4.10, 1.4.12): with the text-spacing overrides
of 1.4.12 a create form and a list page clip no text and do not scroll sideways,
wide or at 320 CSS px; at 320 px a table becomes stacked rows inside its own
focusable, named region (which would scroll, not the page, should a cell still be
too wide). (Every page of the table in
test_a11y_pages.py is also checked at 320 px.)"""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.browser.conftest import assert_accessible
from tests.factories import BorrowerFactory

pytestmark = [pytest.mark.browser, pytest.mark.a11y]

#: WCAG 1.4.12's own test values, as a user style sheet would set them.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

CLIPPED = """() => [...document.querySelectorAll('body *')].filter(e => {
  if (e.closest('.visually-hidden, .skip-link, template, dialog:not([open])')) return false;
  if (['INPUT', 'SELECT', 'TEXTAREA', 'OPTION'].includes(e.tagName)) return false;
  const s = getComputedStyle(e);
  const clips = [s.overflow, s.overflowX, s.overflowY].some(v => v === 'hidden' || v === 'clip');
  if (!clips || e.clientWidth <= 1 || e.clientHeight <= 1) return false;
  return e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1;
}).map(e => e.outerHTML.slice(0, 160))"""

SIDEWAYS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"

WIDTHS = [1280, 320]


@pytest.fixture
def spaced_page(browser, live_server, registrar):
    """A registrar's page that accepts an injected style sheet (bypass_csp: the
    content security policy rightly forbids inline styles to the site itself)."""
    client = Client()
    client.force_login(registrar)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context = browser.new_context(locale="sv-SE", base_url=live_server.url, bypass_csp=True)
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    yield context.new_page()
    context.close()


def open_spaced(page, path: str, *, submit: bool = False):
    page.goto(path)
    if submit:
        page.locator("main").get_by_role("button", name="Spara").click()
        page.wait_for_load_state()
    page.add_style_tag(content=TEXT_SPACING)
    assert page.evaluate("getComputedStyle(document.body).wordSpacing") != "0px"


@pytest.mark.parametrize(
    "path,submit",
    [
        ("/lantagare/skapa/under-18/", False),
        ("/lantagare/skapa/under-18/", True),
        ("/lantagare/lista/samtliga/", False),
    ],
    ids=["create-form", "create-form-with-errors", "list"],
)
def test_text_spacing_clips_nothing_and_adds_no_sideways_scrolling(
    spaced_page, library_a, path, submit
):
    for n in range(3):
        BorrowerFactory(library=library_a, last_name=f"Långtefternamnsson{n}")
    for width in WIDTHS:
        spaced_page.set_viewport_size({"width": width, "height": 800})
        open_spaced(spaced_page, path, submit=submit)
        assert spaced_page.evaluate(CLIPPED) == [], width
        assert not spaced_page.evaluate(SIDEWAYS), width


def test_at_320_pixels_a_table_becomes_stacked_rows_in_its_own_region(
    page, login_as, registrar, library_a
):
    for n in range(3):
        BorrowerFactory(library=library_a, last_name=f"Långtefternamnsson{n}")
    login_as(registrar)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/lantagare/lista/samtliga/")
    assert not page.evaluate(SIDEWAYS)
    region = page.evaluate(
        """() => { const w = document.querySelector('.table-wrapper');
          return { scrolls: w.scrollWidth > w.clientWidth, tabindex: w.getAttribute('tabindex'),
                   rows: getComputedStyle(w.querySelector('tbody tr')).display,
                   role: w.getAttribute('role'),
                   name: document.getElementById(w.getAttribute('aria-labelledby'))?.textContent }; }"""
    )
    # Each row is a block of its own (app.css): nothing to scroll, even inside the region.
    assert region["rows"] == "block" and not region["scrolls"]
    assert region["tabindex"] == "0" and region["role"] == "region" and region["name"]
    assert_accessible(page)
