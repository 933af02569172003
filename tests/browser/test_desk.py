"""The registrar's desk in a real browser, at 1280 and 320 CSS px: a search without
hits, the transfer requests and the search results on a phone, nothing typed lost
between forms, Mitt bibliotek's menu within reach on a phone, and every registrar
page at 320 px without sideways scrolling and with every action link on one line."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_admin import mtm_user  # noqa: F401 (a fixture)
from tests.factories import BorrowerFactory
from transfers.models import TransferRequest

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}

#: The text of an element as shown (not its screen-reader-only parts), as a list of
#: (word, lines it is rendered on); words are split at spaces and hyphens.
TEXT_LINES = """(element) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const lines = new Set(), words = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('.visually-hidden')) continue;
    for (const match of node.textContent.matchAll(/[^\\s-]+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      tops.forEach(top => lines.add(top));
      words.push([match[0], tops.size]);
    }
  }
  return {lines: lines.size, broken: words.filter(([, n]) => n > 1).map(([word]) => word)};
}"""

SIDEWAYS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"

#: Action links and buttons in the main area: each on one line.
ACTIONS = "main td a, main .borrower-menu a, main .btn"
#: Row names (links to the borrower): may wrap between words, never inside one.
NAMES = "main th a"

WRAPPED = f"""() => {{
  const textLines = {TEXT_LINES};
  const shown = (selector) => [...document.querySelectorAll(selector)]
    .filter(e => e.offsetParent !== null && !e.closest('.visually-hidden'));
  return [
    ...shown("{ACTIONS}").filter(e => textLines(e).lines > 1).map(e => e.textContent.trim()),
    ...shown("{NAMES}").filter(e => textLines(e).broken.length).map(e => "broken: " + e.textContent.trim()),
  ];
}}"""


def lines_of(page, locator) -> int:
    return page.evaluate(TEXT_LINES, locator.element_handle())["lines"]


def search(page, text):
    page.get_by_label("Sök användare").fill(text)
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök användare")


# --- 1 -----------------------------------------------------------------------------


def test_a_search_without_hits_says_so(page, login_as, registrar, borrower_a):
    login_as(registrar)
    page.goto("/mitt-bibliotek/")
    search(page, "Zzyzx")
    expect(page.get_by_role("status")).to_contain_text("Inga låntagare hittades.")
    expect(page.get_by_role("heading", name="Sökresultat")).to_be_visible()
    assert page.get_by_role("table").count() == 0
    # One search form only: the menu links to the page instead of repeating it.
    assert page.get_by_label("Sök användare").count() == 1
    assert_accessible(page)


# --- 3 -----------------------------------------------------------------------------


def test_the_requests_and_the_results_are_usable_on_a_phone(
    page, login_as, registrar, registrar_b, borrower_a, library_b
):
    TransferRequest.request(borrower_a, to_library=library_b, by=registrar)
    login_as(registrar_b)
    page.set_viewport_size(PHONE)
    page.goto("/flytt/")
    link = page.get_by_role("link", name="Behandla ansökan – Anna Andersson")
    box = link.bounding_box()
    assert lines_of(page, link) == 1
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    row = page.locator("main tbody tr").first.bounding_box()
    assert row["width"] <= PHONE["width"] and row["height"] < 330, row
    # Each cell is shown under its column's name.
    expect(page.locator("main tbody td").first).to_have_attribute(
        "data-label", "Nuvarande bibliotek"
    )
    assert not page.evaluate(SIDEWAYS)
    assert_accessible(page)

    login_as(registrar)
    page.goto("/mitt-bibliotek/")
    search(page, "Andersson")
    name = page.get_by_role("link", name="Andersson, Anna")
    assert lines_of(page, name) == 1  # never "Ande/rsson"
    assert not page.evaluate(SIDEWAYS)
    assert_accessible(page)


# --- 4 -----------------------------------------------------------------------------


def test_the_wrong_form_keeps_what_was_typed(page, login_as, registrar):
    login_as(registrar)
    page.goto("/lantagare/skapa/vuxen/")
    main = page.locator("main")
    main.get_by_label("Person-/Samordningsnummer").fill("20150101-2395")
    main.get_by_label("Förnamn").fill("Nora")
    main.get_by_label("Efternamn").fill("Ny")
    main.get_by_label("E-post", exact=True).fill("nora.ny@post.example")
    main.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skapa vuxen låntagare")
    assert_accessible(page)

    page.get_by_role(
        "button", name="Gå till Skapa låntagare under 18 år med det du har skrivit"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skapa låntagare under 18 år")
    expect(main.get_by_label("Person-/Samordningsnummer")).to_have_value("20150101-2395")
    expect(main.get_by_label("Förnamn")).to_have_value("Nora")
    expect(main.get_by_label("Efternamn")).to_have_value("Ny")
    expect(main.get_by_label("E-post", exact=True)).to_have_value("nora.ny@post.example")
    assert "2395" not in page.url
    assert_accessible(page)


def test_the_pull_page_offers_the_email_typed_in_the_create_form(
    page, login_as, registrar_b, borrower_a
):
    login_as(registrar_b)
    page.goto("/lantagare/skapa/vuxen/")
    main = page.locator("main")
    main.get_by_label("Person-/Samordningsnummer").fill(borrower_a.display_identifier)
    main.get_by_label("E-post", exact=True).fill("anna.ny@post.example")
    main.get_by_role("button", name="Spara").click()
    page.get_by_role("link", name="flytta användaren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Byt bibliotek")
    expect(main.get_by_label("E-post", exact=True)).to_have_value("anna.ny@post.example")
    assert_accessible(page)


# --- 10 ----------------------------------------------------------------------------


def test_my_library_on_a_phone_shows_the_menu_before_the_details(page, login_as, registrar):
    login_as(registrar)
    page.set_viewport_size(PHONE)
    page.goto("/mitt-bibliotek/")
    menu = page.get_by_role("navigation", name="Meny för Mitt bibliotek")
    details = page.locator(".library-details")
    assert menu.bounding_box()["y"] < details.bounding_box()["y"]
    # Sök is on the first screen; Skapa within about two.
    assert page.get_by_label("Sök användare").bounding_box()["y"] < PHONE["height"]
    create = page.get_by_role("link", name="Skapa vuxen låntagare", exact=True)
    assert create.bounding_box()["y"] < 2 * PHONE["height"]
    assert_accessible(page)

    # Elsewhere the page's own content comes first, and the menu after it.
    page.goto("/lantagare/lista/samtliga/")
    main = page.locator("main")
    assert main.bounding_box()["y"] < menu.bounding_box()["y"]


# --- 12 ----------------------------------------------------------------------------


def test_the_admin_borrower_list_fits_1280_px(page, login_as, mtm_user, library_a):  # noqa: F811
    for number in range(12):
        BorrowerFactory(
            library=library_a,
            first_name="Maximiliana",
            last_name=f"Lindqvist-Wahlström{number}",
            email=f"maximiliana.lindqvist.wahlstrom{number}@kommunbiblioteket.example",
        )
    login_as(mtm_user)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/admin/borrowers/borrower/")
    expect(page.locator("#result_list")).to_be_visible()
    assert not page.evaluate(SIDEWAYS)
    # Nor does the list scroll inside its own box: every column is in view.
    results = page.locator("#changelist .results")
    assert results.evaluate("e => e.scrollWidth <= e.clientWidth")
    table = page.locator("#result_list").bounding_box()
    assert table["x"] + table["width"] <= 1280


# --- every registrar page at 320 px ---------------------------------------------------


def test_no_registrar_page_scrolls_sideways_at_320_px_and_actions_stay_on_one_line(
    page, login_as, registrar, registrar_b, head_admin, borrower_a, branch_a, library_b
):
    BorrowerFactory(
        library=branch_a,
        first_name="Maximiliana",
        last_name="Lindqvist-Wahlström",
        email="maximiliana.lindqvist.wahlstrom@kommunbiblioteket.example",
    )
    moving = BorrowerFactory(library=branch_a, first_name="Tove", last_name="Flytt")
    request = TransferRequest.request(moving, to_library=library_b, by=registrar)
    lma = BorrowerFactory(library=branch_a.main_library, lma=True)
    pages = {
        head_admin: [
            "/",
            "/mitt-bibliotek/",
            "/mitt-bibliotek/filialer/",
            f"/mitt-bibliotek/filialer/{branch_a.pk}/",
            "/mitt-bibliotek/registrerare/",
            *[f"/lantagare/lista/{slug}/" for slug in ("samtliga", "vuxna", "alla-anvandare")],
            "/lantagare/sok/",
            f"/lantagare/{borrower_a.code}/",
            f"/lantagare/{borrower_a.code}/redigera/",
            f"/lantagare/{borrower_a.code}/losenord/",
            f"/lantagare/{borrower_a.code}/radera/",
            f"/lantagare/{moving.code}/",
            f"/flytt/lantagare/{borrower_a.code}/",
            "/lantagare/skapa/vuxen/",
            "/lantagare/skapa/under-18-lma/",
            "/lantagare/avtalstext/",
            "/lantagare/lista/tas-bort/",
            "/lantagare/skapa/student/",
            "/lantagare/studentansokningar/",
            f"/lantagare/{lma.code}/har-fatt-personnummer/",
            "/mitt-bibliotek/statistik/",
            "/flytt/",
            "/konto/mina-uppgifter/",
        ],
        registrar_b: ["/", "/flytt/", f"/flytt/ansokan/{request.code}/"],
    }
    page.set_viewport_size(PHONE)
    problems = []
    for user, paths in pages.items():
        login_as(user)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, path
            if page.evaluate(SIDEWAYS):
                problems.append(f"{path}: scrolls sideways")
            wrapped = page.evaluate(WRAPPED)
            if wrapped:
                problems.append(f"{path}: action on more than one line: {wrapped}")
    # A search with results, and a create form with its errors.
    login_as(head_admin)
    page.goto("/mitt-bibliotek/")
    search(page, "a")
    states = {"search results": page.evaluate(SIDEWAYS) or page.evaluate(WRAPPED)}
    page.goto("/lantagare/skapa/vuxen/")
    page.locator("main").get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    states["create errors"] = page.evaluate(SIDEWAYS) or page.evaluate(WRAPPED)
    problems += [f"{state}: {found}" for state, found in states.items() if found]
    assert not problems, "\n".join(problems)
