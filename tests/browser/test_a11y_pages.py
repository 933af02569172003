"""Every page of the registrar UI and of Mina sidor, in each of its states, in a real
browser: axe-core's WCAG 2.1 A/AA rules (the gate), axe's best-practice rules (a
second gate), one h1 and the landmarks, the skip link first, aria-current in the
menus, no sideways scrolling at 320 CSS px, and unique page titles.

The pages are ONE table of (actor, page or small action) cases, so that a page
cannot be forgotten: test_every_registrar_route_has_a_case reads the URL resolver
and fails on a route that has no case here and is not excluded with a reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from borrowers.credentials import make_token
from borrowers.views.manage import LISTS
from tests.browser.conftest import AXE, WCAG_TAGS
from tests.factories import BorrowerFactory
from transfers.models import TransferRequest

pytestmark = [pytest.mark.browser, pytest.mark.a11y]

BORROWER_PASSWORD = "Sommarregn över taken"
SITE_SUFFIX = " – MTM:s användarregister"
#: Mina sidor is Legimus to borrowers.
MS_SUFFIX = " – Legimus – Mina sidor"
#: The namespaces of the registrar UI and Mina sidor whose every route needs a case.
NAMESPACES = (
    "portal",
    "libraries",
    "borrowers",
    "transfers",
    "accounts",
    "selfservice",
    "stats",
    "applications",
    "privacy",
)
#: Best-practice rules: the second gate (accessibility.md §7.2).
BEST_PRACTICE = "best-practice"
#: Routes that no page visit can show, each with the reason.
EXCLUDED = {
    "accounts:logout": "POST only: ends the session and redirects to the login page",
    "borrowers:send_credentials": "POST only: sends the mail and redirects to the borrower page",
    "transfers:cancel": "POST only: withdraws the request and redirects to Byt bibliotek",
    "selfservice:logout": "POST only: ends the session and redirects to the login page",
    "selfservice:transfer_withdraw": "POST only: withdraws and redirects to Byt bibliotek",
    "stats:library_csv": "a CSV download, not a page",
    # The mailed links only move the token into the session and redirect to the form,
    # whose page has its cases (password_reset_confirm, choose_password, reset_password).
    "accounts:set_password_link": "redirect only: token into the session",
    "borrowers:password_link": "redirect only: token into the session",
    "selfservice:password_link": "redirect only: token into the session",
    "borrowers:choose_password_here": "the choose-password page, reached by the mailed link",
    # Tvåstegsverifiering: axe and keyboard in tests/browser/test_second_factor.py.
    "accounts:mfa_verify": "tests/browser/test_second_factor.py",
    "accounts:mfa_enrol": "tests/browser/test_second_factor.py",
    "accounts:mfa_recovery_codes": "POST only; the codes page: tests/browser/test_second_factor.py",
    "portal:healthz": "the health check's plain text, not a page",
    "selfservice:language": "POST only: sets the language cookie and goes back to the page",
    "portal:keep_alive": "POST only: renews the session, no content",
    # The public applications: axe on every state in tests/browser/test_applications.py.
    "applications:library_search": "tests/browser/test_applications.py",
    "applications:apply": "tests/browser/test_applications.py",
    "applications:thanks": "tests/browser/test_applications.py",
    "applications:branch": "tests/browser/test_applications.py",
}


@dataclass(frozen=True)
class Case:
    """One page state. `go` gives the address to open (None: start from nothing);
    `then` takes small steps from there; `covers` names the routes it shows."""

    id: str
    actor: str
    go: Callable[[SimpleNamespace], str] | None
    covers: tuple[str, ...]
    then: Callable | None = None
    changes: bool = False  # changes data that other cases read: runs last in its group

    @property
    def page(self) -> str:
        """States of one page share this key (and may share a title)."""
        return self.id.split("--")[0]


def url(name: str, *args: str) -> Callable[[SimpleNamespace], str]:
    """reverse(name) with arguments read from the world: "borrower_a.code" etc."""

    def resolve(w):
        values = []
        for arg in args:
            value = w
            for part in arg.split("."):
                value = getattr(value, part)
            values.append(value)
        return reverse(name, args=values)

    return resolve


def path(text: str) -> Callable[[SimpleNamespace], str]:
    return lambda w: text


# --- small actions -------------------------------------------------------------------


def navigate(page, locator) -> None:
    """Click, and wait for the page it leads to (a submit answers with a page too)."""
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state()


def press(name: str, *, exact: bool = True):
    def step(page, w):
        navigate(page, page.locator("main").get_by_role("button", name=name, exact=exact))

    return step


def fill(label: str, value: str, page):
    page.locator("main").get_by_label(label, exact=True).fill(value)


def search_borrowers(text: str):
    def step(page, w):
        page.get_by_label("Sök användare").fill(text)
        navigate(page, page.get_by_role("button", name="Sök", exact=True))

    return step


def create_protected(page, w):
    fill("Person-/Samordningsnummer", "199001012385", page)
    fill("E-post", "skyddad@post.example", page)
    page.get_by_label("Skyddad identitet").check()
    page.get_by_label("Jag förbinder mig", exact=False).check()
    press("Spara")(page, w)
    page.wait_for_url("**/skapa/overlamnad-till-mtm/")


def type_identifier_of_other_library(page, w):
    fill("Person-/Samordningsnummer", w.borrower_b.display_identifier, page)
    press("Spara")(page, w)


def open_pull(page, w):
    type_identifier_of_other_library(page, w)
    navigate(page, page.get_by_role("link", name="flytta användaren"))


def open_pull_and_confirm_without_consent(page, w):
    open_pull(page, w)
    press("Bekräfta")(page, w)


def type_minor_into_adult_form(page, w):
    fill("Person-/Samordningsnummer", "20150101-2395", page)
    fill("Förnamn", "Nora", page)
    press("Spara")(page, w)


def carry_over_to_minor_form(page, w):
    type_minor_into_adult_form(page, w)
    navigate(
        page, page.get_by_role("button", name="Gå till Skapa låntagare under 18 år", exact=False)
    )


def clear_last_name_and_save(page, w):
    fill("Efternamn", "", page)
    press("Spara")(page, w)


def locked_out(email_of: str):
    def step(page, w):
        limit, w.settings.AXES_FAILURE_LIMIT = w.settings.AXES_FAILURE_LIMIT, 1
        try:
            fill("E-post", getattr(w, email_of).email, page)
            fill("Lösenord", "fel lösenord", page)
            press("Logga in")(page, w)
        finally:
            w.settings.AXES_FAILURE_LIMIT = limit

    return step


def submit_first_form(page, w):
    navigate(page, page.locator("main form button[type=submit]").first)


def profile_email_errors(page, w):
    navigate(page, page.locator("main").get_by_role("button", name="Ändra e-postadress"))


def search_libraries(text: str, button: str = "Sök bibliotek"):
    def step(page, w):
        fill("Bibliotekets namn eller sigel", text, page)
        navigate(page, page.locator("main").get_by_role("button", name=button, exact=True))

    return step


def choose_first_library_and_confirm(page, w):
    search_libraries("bibliotek b")(page, w)
    navigate(page, page.get_by_role("button", name="Välj detta bibliotek").first)


def ask_to_move(page, w):  # for w.walker: the others stay without a request
    choose_first_library_and_confirm(page, w)
    press("Bekräfta")(page, w)


# --- the table -------------------------------------------------------------------------

R = "registrar"
H = "head_admin"
B = "registrar_b"
A = "anonymous"
L = "lena"

# fmt: off
CASES: list[Case] = [
    # Start page, Mitt bibliotek and its lists
    Case("start", R, url("portal:start"), ("portal:start",)),
    Case("my-library", R, url("libraries:my_library"), ("libraries:my_library",)),
    Case("branches", R, url("libraries:branches"), ("libraries:branches",)),
    Case("branch", R, url("libraries:branch", "branch_a.pk"), ("libraries:branch",)),
    Case("head-admins", H, url("libraries:head_admins"), ("libraries:head_admins",)),
    Case("registrars", H, url("libraries:registrars"), ("libraries:registrars",)),
    Case("mediators", H, url("libraries:mediators"), ("libraries:mediators",)),
    # Statistik: tables, charts and the date range
    Case("statistics", H, url("stats:library"), ("stats:library",)),
    Case("statistics--errors", R, path(reverse("stats:library") + "?fran=2026-13-01&till="),
         ("stats:library",)),
    *[
        Case(f"list-{slug}", H if slug == "alla-anvandare" else R,
             path(reverse("borrowers:list", args=[slug])), ("borrowers:list",))
        for slug in LISTS
    ],
    Case("search--results", R, url("libraries:my_library"), ("borrowers:search",), search_borrowers("and")),
    Case("search--errors", R, url("libraries:my_library"), ("borrowers:search",), search_borrowers(" ")),
    Case("search--empty", R, url("borrowers:search"), ("borrowers:search",)),
    Case("search--no-hits", R, url("libraries:my_library"), ("borrowers:search",),
         search_borrowers("Zzyzx")),
    # The four create forms, empty and with errors
    *[
        case
        for kind in ("adult", "minor", "lma_adult", "lma_minor")
        for case in (
            Case(f"create-{kind}", R, url(f"borrowers:create_{kind}"), (f"borrowers:create_{kind}",)),
            Case(f"create-{kind}--errors", R, url(f"borrowers:create_{kind}"),
                 (f"borrowers:create_{kind}",), press("Spara")),
        )
    ],
    Case("create-adult--wrong-age", R, url("borrowers:create_adult"),
         ("borrowers:create_adult",), type_minor_into_adult_form),
    Case("create-minor--carried-over", R, url("borrowers:create_adult"),
         ("borrowers:create_minor",), carry_over_to_minor_form),
    Case("create-adult--registered-elsewhere", R, url("borrowers:create_adult"),
         ("borrowers:create_adult",), type_identifier_of_other_library),
    Case("protected-created", R, url("borrowers:create_adult"),
         ("borrowers:protected_created",), create_protected, changes=True),
    Case("agreement", R, url("borrowers:agreement"), ("borrowers:agreement",)),
    # The borrower's own set-password page (from the credentials mail)
    Case("choose-password", A, lambda w: w.choose_password_url, ("borrowers:choose_password",)),
    Case("choose-password--errors", A, lambda w: w.choose_password_url,
         ("borrowers:choose_password",), press("Spara")),
    Case("choose-password--invalid-link", A, url("borrowers:choose_password", "bad_token"),
         ("borrowers:choose_password",)),
    Case("password-chosen", A, url("borrowers:password_chosen"), ("borrowers:password_chosen",)),
    # One borrower
    Case("borrower", R, url("borrowers:detail", "borrower_a.code"), ("borrowers:detail",)),
    Case("borrower-minor", R, url("borrowers:detail", "minor.code"), ("borrowers:detail",)),
    Case("edit", R, url("borrowers:edit", "borrower_a.code"), ("borrowers:edit",)),
    Case("edit--errors", R, url("borrowers:edit", "borrower_a.code"), ("borrowers:edit",),
         clear_last_name_and_save),
    Case("password", R, url("borrowers:password", "borrower_a.code"), ("borrowers:password",)),
    Case("password--errors", R, url("borrowers:password", "borrower_a.code"),
         ("borrowers:password",), press("Spara")),
    Case("delete", R, url("borrowers:delete", "borrower_a.code"), ("borrowers:delete",)),
    Case("create-student", R, url("applications:create_student"), ("applications:create_student",)),
    Case("create-student--errors", R, url("applications:create_student"),
         ("applications:create_student",), press("Skicka ansökan")),
    Case("student-applications", R, url("applications:student_applications"),
         ("applications:student_applications",)),
    Case("replace-lma", R, url("borrowers:replace_lma", "lma.code"), ("borrowers:replace_lma",)),
    Case("replace-lma--errors", R, url("borrowers:replace_lma", "lma.code"),
         ("borrowers:replace_lma",), press("Spara")),
    # Transfers out, in, and the pull
    Case("outgoing", R, url("transfers:outgoing", "borrower_a.code"), ("transfers:outgoing",)),
    Case("outgoing--pending", R, url("transfers:outgoing", "mover.code"), ("transfers:outgoing",)),
    Case("library-search", R, url("transfers:library_search", "borrower_a.code"),
         ("transfers:library_search",)),
    Case("library-search--errors", R, url("transfers:library_search", "borrower_a.code"),
         ("transfers:library_search",), search_libraries(" ")),
    Case("library-search--results", R, url("transfers:library_search", "borrower_a.code"),
         ("transfers:library_search",), search_libraries("bibliotek")),
    Case("transfer-confirm", R, url("transfers:library_search", "borrower_a.code"),
         ("transfers:confirm",), choose_first_library_and_confirm),
    Case("borrower--transfer-requested", R, url("transfers:library_search", "walker.code"),
         ("borrowers:detail",), ask_to_move, changes=True),
    Case("incoming", B, url("transfers:incoming"), ("transfers:incoming",)),
    Case("incoming--none", R, url("transfers:incoming"), ("transfers:incoming",)),
    Case("incoming-request", B, url("transfers:incoming_detail", "request.code"),
         ("transfers:incoming_detail",)),
    Case("start--with-requests", B, url("portal:start"), ("portal:start",)),
    Case("pull", R, url("borrowers:create_adult"), ("transfers:pull",), open_pull),
    Case("pull--errors", R, url("borrowers:create_adult"), ("transfers:pull",),
         open_pull_and_confirm_without_consent),
    # Staff accounts
    Case("login", A, url("accounts:login"), ("accounts:login",)),
    Case("login--errors", A, url("accounts:login"), ("accounts:login",), press("Logga in")),
    Case("login--locked-out", A, url("accounts:login"), ("accounts:login",), locked_out("registrar")),
    Case("password-reset", A, url("accounts:password_reset"), ("accounts:password_reset",)),
    Case("password-reset--errors", A, url("accounts:password_reset"),
         ("accounts:password_reset",), submit_first_form),
    Case("password-reset-done", A, url("accounts:password_reset_done"),
         ("accounts:password_reset_done",)),
    Case("password-reset-confirm", A, lambda w: w.staff_reset_url,
         ("accounts:password_reset_confirm",)),
    Case("password-reset-confirm--errors", A, lambda w: w.staff_reset_url,
         ("accounts:password_reset_confirm",), submit_first_form),
    Case("password-reset-confirm--invalid-link", A,
         lambda w: reverse("accounts:password_reset_confirm", args=["MQ", "fel-fel"]),
         ("accounts:password_reset_confirm",)),
    Case("password-reset-complete", A, url("accounts:password_reset_complete"),
         ("accounts:password_reset_complete",)),
    Case("profile", R, url("accounts:profile"), ("accounts:profile",)),
    Case("profile--password-errors", R, url("accounts:profile"), ("accounts:profile",),
         submit_first_form),
    Case("profile--email-errors", R, url("accounts:profile"), ("accounts:profile",),
         profile_email_errors),
    Case("no-access", "mediator", url("portal:start"), ("portal:start",)),
    Case("not-found", R, lambda w: f"/lantagare/{uuid.uuid4()}/", ()),
    Case("accessibility-statement", A, url("portal:accessibility"), ("portal:accessibility",)),
    Case("accessibility-statement--logged-in", R, url("portal:accessibility"), ("portal:accessibility",)),
    # Mina sidor
    Case("ms-login", A, url("selfservice:login"), ("selfservice:login",)),
    Case("ms-login--errors", A, url("selfservice:login"), ("selfservice:login",),
         press("Logga in")),
    Case("ms-login--locked-out", A, url("selfservice:login"), ("selfservice:login",),
         locked_out("lena")),
    Case("ms-details", L, url("selfservice:details"), ("selfservice:details",)),
    Case("ms-password", L, url("selfservice:change_password"), ("selfservice:change_password",)),
    Case("ms-extract", L, url("privacy:borrower_extract"), ("privacy:borrower_extract",)),
    Case("ms-language", L, url("selfservice:change_language"), ("selfservice:change_language",)),
    Case("ms-password--errors", L, url("selfservice:change_password"),
         ("selfservice:change_password",), press("Spara")),
    Case("ms-forgot", A, url("selfservice:forgot_password"), ("selfservice:forgot_password",)),
    Case("ms-forgot--errors", A, url("selfservice:forgot_password"),
         ("selfservice:forgot_password",), submit_first_form),
    Case("ms-forgot-sent", A, url("selfservice:forgot_password_sent"),
         ("selfservice:forgot_password_sent",)),
    Case("ms-reset", A, lambda w: w.borrower_reset_url,
         ("selfservice:reset_link", "selfservice:reset_password")),
    Case("ms-reset--errors", A, lambda w: w.borrower_reset_url,
         ("selfservice:reset_password",), press("Spara")),
    Case("ms-reset--invalid-link", A, url("selfservice:reset_password"),
         ("selfservice:reset_password",)),
    Case("ms-transfer", L, url("selfservice:transfer"), ("selfservice:transfer",)),
    Case("ms-transfer--errors", L, url("selfservice:transfer"), ("selfservice:transfer",),
         search_libraries(" ", "Sök")),
    Case("ms-transfer--results", L, url("selfservice:transfer"), ("selfservice:transfer",),
         search_libraries("bibliotek", "Sök")),
    Case("ms-transfer-confirm", L, url("selfservice:transfer_confirm", "library_b.pk"),
         ("selfservice:transfer_confirm",)),
    Case("ms-transfer--pending", L, url("selfservice:transfer_confirm", "library_b.pk"),
         ("selfservice:transfer",), press("Bekräfta"), changes=True),
]
# fmt: on

#: Pages outside the main menu's sections.
NO_CURRENT_MENU_ITEM = {"not-found", "accessibility-statement"}

# --- the world ---------------------------------------------------------------------------


@pytest.fixture
def world(settings, library_a, branch_a, library_b, registrar, registrar_b, borrower_a, borrower_b):
    today = timezone.localdate()
    BorrowerFactory(library=branch_a, first_name="Filip", last_name="Filial")
    lma = BorrowerFactory(library=library_a, lma=True, first_name="Lars", last_name="Lma")
    BorrowerFactory(
        library=library_a, first_name="Gun", last_name="Gårut", valid_until=today + timedelta(5)
    )
    minor = BorrowerFactory(library=library_a, minor=True, first_name="Mia", last_name="Minor")
    mover = BorrowerFactory(library=library_a, first_name="Tove", last_name="Flytt")
    walker = BorrowerFactory(library=library_a, first_name="Valter", last_name="Vandrare")
    request = TransferRequest.request(mover, to_library=library_b, by=registrar)
    lena = BorrowerFactory(
        library=library_a, first_name="Lena", last_name="Läsare", email="lena@post.example"
    )
    lena.set_password(BORROWER_PASSWORD)
    lena.save()
    newcomer = BorrowerFactory(library=library_a, first_name="Nils", last_name="Ny")
    newcomer.send_credentials(by=registrar)
    newcomer.refresh_from_db()
    world = SimpleNamespace(
        settings=settings,
        library_a=library_a,
        branch_a=branch_a,
        library_b=library_b,
        registrar=registrar,
        registrar_b=registrar_b,
        borrower_a=borrower_a,
        borrower_b=borrower_b,
        minor=minor,
        lma=lma,
        mover=mover,
        walker=walker,
        request=request,
        lena=lena,
        bad_token="ogiltig-länk",
        choose_password_url=reverse("borrowers:choose_password", args=[make_token(newcomer)]),
    )
    mail_reset_links(world)
    return world


def mail_reset_links(world) -> None:
    """The password-reset links as mailed now (a login since then voids them: the token
    holds the last login)."""
    world.registrar.refresh_from_db()
    world.lena.refresh_from_db()
    uid = urlsafe_base64_encode(force_bytes(world.registrar.pk))
    world.staff_reset_url = reverse(
        "accounts:password_reset_confirm",
        args=[uid, default_token_generator.make_token(world.registrar)],
    )
    world.borrower_reset_url = reverse(
        "selfservice:reset_link", args=[make_token(world.lena, purpose="reset")]
    )


def session_cookie(request, actor: str, world) -> dict | None:
    """A logged-in session for the actor, made without typing."""
    if actor == A:
        return None
    client = Client()
    if actor == L:
        response = client.post(
            reverse("selfservice:login"), {"email": world.lena.email, "password": BORROWER_PASSWORD}
        )
        assert response.status_code == 302
    else:
        client.force_login(request.getfixturevalue(actor))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value}


# --- the checks ------------------------------------------------------------------------


def axe_gates(page) -> tuple[list[dict], list[dict]]:
    """One axe run: (violations of WCAG 2.1 A/AA and 2.2 AA rules, of best-practice rules)."""
    results = AXE.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": [*WCAG_TAGS, BEST_PRACTICE]},
            "rules": {"td-has-header": {"enabled": True}, "table-fake-caption": {"enabled": True}},
        },
    )
    wcag, best = [], []
    for violation in results.response["violations"]:
        (wcag if set(violation["tags"]) & set(WCAG_TAGS) else best).append(violation)
    return wcag, best


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['html'][:160]}" for node in violation["nodes"][:5])
    return "\n".join(lines)


STRUCTURE = """() => {
  const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])';
  const first = document.querySelector(focusable);
  const navs = [...document.querySelectorAll('nav')];
  const here = location.pathname;
  return {
    h1: document.querySelectorAll('h1').length,
    main: document.querySelectorAll('main').length,
    mainId: document.querySelector('main')?.id,
    header: document.querySelectorAll('body > header').length,
    footer: document.querySelectorAll('body > footer').length,
    navs: navs.length,
    skip: first ? [first.className, first.getAttribute('href')] : null,
    statementLink: !!document.querySelector('footer a[href="/tillganglighet/"]'),
    lang: document.documentElement.lang,
    // Each nav: links to this very page that are not marked, and how many are marked.
    menus: navs.map(nav => ({
      label: nav.getAttribute('aria-label'),
      unmarked: [...nav.querySelectorAll('a[href]')]
        .filter(a => new URL(a.href).pathname === here && a.getAttribute('aria-current') !== 'page')
        .map(a => a.textContent.trim()),
      marked: nav.querySelectorAll('[aria-current="page"]').length,
    })),
  };
}"""

REFLOW = """() => ({
  scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .filter(e => !e.closest('.table-wrapper') && !e.closest('.skip-link'))
    .slice(0, 5).map(e => e.outerHTML.slice(0, 120)),
})"""


def check_structure(page, case: Case) -> list[str]:
    found = page.evaluate(STRUCTURE)
    problems = []
    if found["lang"] != "sv":
        problems.append(f"<html lang> is {found['lang']!r}")
    if found["h1"] != 1:
        problems.append(f"{found['h1']} h1 elements, not one")
    if found["main"] != 1 or found["mainId"] != "main-content":
        problems.append("not exactly one <main id=main-content>")
    if found["header"] != 1 or found["footer"] != 1:
        problems.append("no page header or footer landmark")
    if case.actor != A and not found["navs"]:
        problems.append("no navigation for a logged-in person")
    if (
        found["skip"] is None
        or "skip-link" not in found["skip"][0]
        or found["skip"][1] != "#main-content"
    ):
        problems.append(f"the first focusable element is not the skip link: {found['skip']}")
    if not found["statementLink"]:
        problems.append("no link to the accessibility statement in the footer")
    for menu in found["menus"]:
        if menu["unmarked"]:
            problems.append(
                f"{menu['label']}: links to this page without aria-current: {menu['unmarked']}"
            )
        if menu["marked"] > 1:
            problems.append(f"{menu['label']}: {menu['marked']} items marked aria-current=page")
    if case.actor in (R, H, B) and case.page not in NO_CURRENT_MENU_ITEM:
        main_menu = next((m for m in found["menus"] if m["label"] == "Huvudmeny"), None)
        if main_menu is None or main_menu["marked"] != 1:
            problems.append("the main menu marks no current item")
    return problems


def open_state(case: Case, page, world) -> list[str]:
    """Open one page state; return what went wrong on the way (nothing: it is open)."""
    response = page.goto(case.go(world))
    if response is None or response.status >= 500:
        return [f"the page answered {response and response.status}"]
    if case.then:
        case.then(page, world)
    page.wait_for_load_state()
    return []


def visit(case: Case, page, world) -> list[str]:
    """Open one page state and return what is wrong with it."""
    problems = open_state(case, page, world)
    if problems:
        return problems
    title = page.title()
    suffix = MS_SUFFIX if case.id.startswith("ms-") else SITE_SUFFIX
    if not title.endswith(suffix) or not title.removesuffix(suffix).strip():
        problems.append(f"the title {title!r} does not name the page and the service")
    if "--errors" in case.id:
        if not title.startswith("Fel: "):
            problems.append(f"an error state whose title lacks 'Fel: ': {title!r}")
        if page.evaluate("document.activeElement.id") != "error-summary":
            problems.append("the error summary does not have focus")
    wcag, best = axe_gates(page)
    if wcag:
        problems.append("axe, WCAG 2.1 A/AA:\n" + describe(wcag))
    if best:
        problems.append("axe, best practice:\n" + describe(best))
    problems += check_structure(page, case)

    page.set_viewport_size({"width": 320, "height": 640})
    reflow = page.evaluate(REFLOW)
    if reflow["scroll"] > reflow["client"]:
        problems.append(f"scrolls sideways at 320 px: {reflow}")
    return problems


#: Cases run in groups of one actor (at most GROUP_SIZE each): one database and one
#: login per group, a fresh browser context per case so that no page state leaks
#: into the next; cases that change data run last in their group.
GROUP_SIZE = 13
GROUPS: dict[str, list[Case]] = {}
GROUP_ACTORS = sorted({case.actor for case in CASES})
_by_actor: dict[str, list[Case]] = {}
for _case in CASES:
    _by_actor.setdefault(_case.actor, []).append(_case)
for _actor, _cases in _by_actor.items():
    for _start in range(0, len(_cases), GROUP_SIZE):
        _chunk = sorted(_cases[_start : _start + GROUP_SIZE], key=lambda case: case.changes)
        GROUPS[f"{_actor}-{_start // GROUP_SIZE + 1}"] = _chunk


@pytest.mark.parametrize("group", GROUPS)
def test_pages(group, browser, live_server, request, world):
    cookie = session_cookie(request, GROUPS[group][0].actor, world)
    failures = []
    for case in GROUPS[group]:
        context = browser.new_context(locale="sv-SE", base_url=live_server.url)
        context.set_default_timeout(10_000)
        if cookie:
            context.add_cookies([{**cookie, "url": live_server.url}])
        try:
            problems = visit(case, context.new_page(), world)
        except Exception as error:  # a step failed: report it with the others
            problems = [f"{type(error).__name__}: {error}"]
        finally:
            context.close()
        if problems:
            failures.append(f"--- {case.id}:\n" + "\n".join(problems))
    assert not failures, "\n".join(failures)


def test_titles_are_unique_across_pages(browser, live_server, request, world):
    """Every page has its own title; only states of one page (its errors) share one.
    Opens every case of the table itself (the title only, no axe) in one world, the
    cases that change data last."""
    cookies = {actor: session_cookie(request, actor, world) for actor in GROUP_ACTORS}
    mail_reset_links(world)  # after the logins, as the page test's groups of one actor have it
    titles: dict[str, dict[str, str]] = {}
    failures = []
    for case in sorted(CASES, key=lambda case: case.changes):
        context = browser.new_context(locale="sv-SE", base_url=live_server.url)
        context.set_default_timeout(10_000)
        if cookies[case.actor]:
            context.add_cookies([{**cookies[case.actor], "url": live_server.url}])
        try:
            page = context.new_page()
            problems = open_state(case, page, world)
            titles.setdefault(case.page, {})[case.id] = page.title()
        except Exception as error:  # a step failed: report it with the others
            problems = [f"{type(error).__name__}: {error}"]
        finally:
            context.close()
        failures += [f"{case.id}: {problem}" for problem in problems]
    assert not failures, "\n".join(failures)
    assert set(titles) == {case.page for case in CASES}
    pages_by_title: dict[str, set[str]] = {}
    for page_key, titles_of_page in titles.items():
        for title in titles_of_page.values():
            pages_by_title.setdefault(title.removeprefix("Fel: "), set()).add(page_key)
    shared = {title: sorted(pages) for title, pages in pages_by_title.items() if len(pages) > 1}
    assert not shared, "\n".join(f"{title}: {pages}" for title, pages in shared.items())


# --- the table covers every route ---------------------------------------------------------


def named_routes() -> set[str]:
    names = set()

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name and namespace in NAMESPACES:
                names.add(f"{namespace}:{entry.name}")

    walk(get_resolver().url_patterns, None)
    return names


def test_every_registrar_route_has_a_case():
    routes = named_routes()
    assert {"portal:start", "borrowers:create_adult", "selfservice:details"} <= routes
    covered = {name for case in CASES for name in case.covers}
    missing = routes - covered - set(EXCLUDED)
    assert not missing, f"routes without a case in the page table: {sorted(missing)}"
    stale = (set(EXCLUDED) | covered) - routes
    assert not stale, f"cases or exclusions for routes that no longer exist: {sorted(stale)}"
    assert covered.isdisjoint(EXCLUDED)


def test_the_checks_catch_a_broken_page(page):
    """The gates themselves: a page broken on purpose fails each of them."""
    page.goto(reverse("accounts:login"))
    page.evaluate(
        """() => {
          document.querySelector('main').insertAdjacentHTML(
            'beforeend', '<h4>Hoppar över nivåer</h4><input type="text" id="unlabelled">');
          document.body.insertAdjacentHTML('beforeend', '<p>Utanför landmärken</p><h1>Två</h1>');
          document.querySelector('footer a[href="/tillganglighet/"]').remove();
        }"""
    )
    wcag, best = axe_gates(page)
    assert "label" in {violation["id"] for violation in wcag}
    assert {"heading-order", "region"} <= {violation["id"] for violation in best}
    problems = "\n".join(check_structure(page, Case("broken", A, None, ())))
    assert "2 h1 elements" in problems and "accessibility statement" in problems
    page.set_viewport_size({"width": 320, "height": 640})
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        '\'<img alt="" width="900" height="10" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">\')'
    )
    assert page.evaluate(REFLOW)["scroll"] > 320
