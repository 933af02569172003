"""In a real browser the content security policy blocks nothing on the key pages:
no console message about it, no page error. (The header itself:
tests/security/test_headers.py; this file lives here for the browser fixtures.)"""

import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible
from tests.factories import BorrowerFactory, LibraryFactory, StaffFactory

pytestmark = pytest.mark.browser


def visit_and_collect(page, url):
    blocked = []
    page.on("console", lambda message: blocked.append(message.text))
    page.on("pageerror", lambda error: blocked.append(f"page error: {error}"))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return [m for m in blocked if "Content Security Policy" in m or m.startswith("page error")]


def test_key_pages_break_no_rule_of_the_policy(page, login_as):
    library = LibraryFactory(name="Bibliotek A")
    borrower = BorrowerFactory(library=library, first_name="Anna", last_name="Andersson")
    registrar = StaffFactory(email="rita@a.example", library=library)
    mtm = StaffFactory(
        email="maria@mtm.example", library=None, role="", is_staff=True, is_superuser=True
    )
    pages = [
        (None, reverse("accounts:login")),
        (None, reverse("selfservice:login")),
        (registrar, reverse("portal:start")),
        (registrar, reverse("borrowers:create_adult")),
        (registrar, reverse("borrowers:detail", args=[borrower.code])),
        (mtm, reverse("admin:borrowers_borrower_changelist")),
    ]
    for user, url in pages:
        if user is not None:
            page.context.clear_cookies()
            login_as(user)
        violations = visit_and_collect(page, url)
        assert not violations, (url, violations)
        if not url.startswith("/admin/"):
            assert_accessible(page)  # the admin's own markup is tested in tests/browser
