"""One production-shaped stack for the whole e2e session (see e2e/stack.py).

Run with `make e2e`; never part of `make test` (testpaths is tests/). At the end
the session prints, line by line, what it proved.
"""

import os
import re
import time
import urllib.request

import pytest
from playwright.sync_api import sync_playwright

from e2e.stack import Stack

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "Demo-register-2026"
REGISTRAR = "registrerare@stadsbibliotek.example"
MTM = "mtm@mtm.example"
HEAD_ADMIN = "huvudadmin@stadsbibliotek.example"
#: Staff who log in during make e2e: each gets an authenticator app with a known key.
STAFF_WITH_APP = (REGISTRAR, MTM, HEAD_ADMIN)
VERIFY_URL = "/konto/tvastegsverifiering/"
PROVED: list[str] = []


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.e2e)


def pytest_terminal_summary(terminalreporter):
    if PROVED:
        terminalreporter.section("what make e2e proved")
        for line in PROVED:
            terminalreporter.write_line(f"PROVED: {line}")


@pytest.fixture(scope="session")
def proved():
    return PROVED.append


@pytest.fixture(scope="session")
def stack(request):
    stack = Stack()
    try:
        stack.start()
        stack.enrol_totp(*STAFF_WITH_APP)
        yield stack
    finally:
        if request.session.testsfailed:  # the logs go with the temporary folder: show them
            for name in ("gunicorn", "worker", "caddy"):
                print(f"\n--- last lines of the {name} log\n{stack.log(name)[-4000:]}")
        stack.stop()


@pytest.fixture
def smtp(stack):
    """The SMTP server, accepting, with an empty inbox; back to accepting afterwards."""
    stack.smtp.mode = "accept"
    for record in (stack.smtp.delivered, stack.smtp.refused, stack.smtp.held):
        record.clear()
    yield stack.smtp
    stack.smtp.mode = "accept"


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, stack):
    """A fresh browser profile on the stack's HTTPS address (Caddy's own CA)."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=stack.url, ignore_https_errors=True, locale="sv-SE")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def enter_password(page, email, password=DEMO_PASSWORD):
    """The first step: the password takes a staff member to the code page."""
    page.goto("/konto/logga-in/")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"**{VERIFY_URL}**")
    return page


def enter_code(page, code):
    page.get_by_label("Kod", exact=True).fill(code)
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_load_state()
    return page


def log_in(stack, page, email, password=DEMO_PASSWORD):
    """Password, then the code the person's authenticator app shows now."""
    enter_code(enter_password(page, email, password), stack.totp_code(email))
    assert "/konto/" not in page.url, page.content()[:2000]
    return page


def wait_until(condition, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.2)
    return result


def ask_for_password_reset(page, email):
    """Glömt lösenord on the staff login: queues one mail to `email`."""
    page.goto("/konto/glomt-losenord/")
    page.get_by_label("E-post").fill(email)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/konto/glomt-losenord/skickat/")


def mail_rows(stack, to):
    """(status, attempts, last_error) of every mail to `to`, as the database has them."""
    return stack.sql(
        "SELECT status, attempts, last_error FROM notifications_outgoingmail"
        ' WHERE "to" = %s ORDER BY id',
        (to,),
    )


def fetch(stack, path, *, cookies=None, data=None, headers=None, method=None):
    """One HTTPS request through Caddy, its certificate verified; returns (status, body)."""
    request = urllib.request.Request(
        stack.url + path, data=data, headers=dict(headers or {}), method=method
    )
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=stack.tls_context()), NoRedirect
    )
    try:
        with opener.open(request, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session_cookies(page) -> dict[str, str]:
    return {c["name"]: c["value"] for c in page.context.cookies()}


def link_in(message, pattern=r"https://\S+") -> str:
    return re.search(pattern, message.get_body(("plain",)).get_content()).group(0)
