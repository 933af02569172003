"""The register extract in a real browser: MTM's *Registerutdrag* (from the change
form, with and without staff names) and the borrower's *Hämta mina uppgifter*
pass axe-core, and the JSON download arrives as a file."""

import json
from pathlib import Path

import pytest

from audit.log import record
from audit.models import Action
from tests.browser.conftest import assert_accessible
from tests.browser.test_admin import assert_only_djangos_own, mtm_user  # noqa: F401
from tests.browser.test_mina_sidor import borrower, log_in  # noqa: F401
from transfers.models import TransferRequest

pytestmark = pytest.mark.browser


@pytest.fixture
def history(borrower, registrar, library_b):  # noqa: F811
    TransferRequest.request(borrower, to_library=library_b, by=registrar)
    record(Action.VIEWED, actor=registrar, borrower=borrower)


def test_mtm_makes_a_register_extract(page, login_as, mtm_user, borrower, history):  # noqa: F811
    login_as(mtm_user)
    page.goto(f"/admin/borrowers/borrower/{borrower.pk}/change/")
    page.get_by_role("link", name="Registerutdrag").click()
    page.wait_for_url("**/registerutdrag/")
    assert page.get_by_role("heading", name="Flyttförfrågningar").count() == 1
    assert "Rita" not in page.content()
    assert_only_djangos_own(page)

    page.get_by_role("link", name="Visa personalens namn").click()
    page.wait_for_url("**namn=1")
    assert "Bibliotek A: Rita" in page.content()
    assert_only_djangos_own(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Hämta som fil (JSON)").click()
    data = json.loads(Path(download.value.path()).read_text("utf-8"))
    assert data["account"]["email"] == "lena@post.example"


def test_the_borrower_downloads_their_details(page, borrower, history):  # noqa: F811
    page.goto("/mina-sidor/logga-in/")
    log_in(page)
    page.get_by_role("link", name="Hämta mina uppgifter").click()
    page.wait_for_url("**/hamta-mina-uppgifter/")
    assert page.title() == "Hämta mina uppgifter – Legimus – Mina sidor"
    assert page.get_by_role("heading", name="Flyttförfrågningar").count() == 1
    assert "Rita" not in page.content()
    assert_accessible(page)

    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth <= 320")

    with page.expect_download() as download:
        page.get_by_role("link", name="Hämta som fil (JSON)").click()
    data = json.loads(Path(download.value.path()).read_text("utf-8"))
    assert data["account"]["first_name"] == "Lena"
