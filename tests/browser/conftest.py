"""Browser tests: Debian's Chromium driven by Playwright, with an axe-core check.

Every page a browser test visits should be checked with `assert_accessible(page)`.
"""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; Django must allow ORM use here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()
#: The title of a page showing form errors (accessibility.md §2). Use with expect(page),
#: which waits for the next page instead of reading the one being left.
ERROR_TITLE = re.compile(r"^Fel: ")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="sv-SE", base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login_as(page, live_server, client):
    """Put a logged-in session for `user` into the browser, without typing."""

    def login(user):
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )
        return page

    return login


def assert_accessible(page, *, context=None):
    """0 violations of WCAG 2.1 A/AA (and 2.2's target size) on the page as it is now."""
    results = AXE.run(
        page,
        context=context,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "rules": {"td-has-header": {"enabled": True}},
        },
    )
    assert results.violations_count == 0, results.generate_report()
