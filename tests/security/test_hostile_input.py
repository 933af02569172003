"""Hostile input, property-based: every form that takes text — the registrar's
create forms, edit, password, search, library search, pull; Mina uppgifter; the
staff login and reset; Mina sidor's login and forms; the public application and
the branch application; the admin's search — answers very long text, control
characters, NUL, right-to-left marks, SQL and HTML fragments, emoji and combining
characters with a form error or a correct save, never a server error, and never
echoes markup unescaped (on the answer, or the page it redirects to).

The field names are read from each form's own page, so a new field is attacked
too. The hypothesis profile "security" (conftest.py) keeps the example counts
modest; HYPOTHESIS_PROFILE=security-thorough runs ten times more.
"""

import os
import re
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import ADULT_PERSONNUMMER, MINOR_PERSONNUMMER, BorrowerFactory

from .conftest import (
    ANONYMOUS,
    BORROWER,
    HEAD_ADMIN_A,
    MEMBER_PASSWORD,
    MTM_SUPERUSER,
    REGISTRAR_A,
    log_in_as,
)

PROFILE = hypothesis_settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "security"))

#: Markup that must never come back as markup.
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(2)</script>",
    "' onmouseover='alert(3)",
]
FRAGMENTS = [
    *XSS,
    "' OR '1'='1",
    "'; DROP TABLE borrowers_borrower; --",
    '" OR ""="',
    "1; SELECT pg_sleep(5)",
    "%' AND 1=1 --",
    "\x00",
    "a\x00b",
    "\u202e\u202dgnp.exe",  # right-to-left override
    "\u200f\u200e\u061c",  # RLM, LRM, Arabic letter mark
    "\ufeff",
    "e\u0301\u0301\u0301\u0301",  # combining accents
    "Z\u0336\u0335\u0334a\u0337lgo",
    "😀👩‍👩‍👧‍👦🏳️‍🌈",
    "\r\nBcc: x@example.org",
    "\t\x0b\x0c\x1b[31m",
    "{{ 7|add:7 }}{% debug %}",
    "${7*7}#{7*7}",
    "../../../../etc/passwd",
    "%00%0d%0a",
    "１９１２１２１２-１２１２",  # full-width digits
    "١٩١٢١٢١٢١٢١٢",  # Arabic-Indic digits
    "19121212-1212",
    "@",
    "a" * 300,
]
RAW_MARKUP = re.compile(
    r"<script>alert|<img src=x onerror|<svg onload|' onmouseover='alert", re.IGNORECASE
)

hostile_text = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=6).map("".join),
    st.text(max_size=80),
    # Very long: a fragment repeated (cheap to generate, up to 60 000 characters).
    st.tuples(st.sampled_from([*FRAGMENTS, "å", "x"]), st.integers(200, 2000)).map(
        lambda pair: pair[0] * pair[1]
    ),
)


@dataclass
class FormCase:
    name: str
    actor: str
    url: object  # (world) -> url
    method: str = "post"
    #: plausible values, so that some examples pass validation and are saved
    valid: object = field(default_factory=lambda: lambda w: {})
    setup: object = None  # (client, world) -> None, after logging in
    #: the submit button's name, when the page has several forms
    submit: dict = field(default_factory=dict)
    #: 404: a single-use link, once an example has used it
    statuses: tuple = (200, 302, 429)


def _emails():
    return st.from_regex(r"\A[a-z]{1,10}\.[a-z0-9]{1,8}@post\.example\Z")


def _create_valid(numbers):
    def valid(w):
        return {
            "identifier": st.sampled_from(numbers),
            "lma_number": st.from_regex(r"\A\d{2}-\d{6}\Z"),
            "first_name": st.sampled_from(["Anna", "Åsa", "Öjvind"]),
            "last_name": st.sampled_from(["Svensson", "Ölund"]),
            "email": _emails(),
            "agreement": st.just("on"),
            "library": st.just(str(w.library_a.pk)),
            "guardian_birth_date": st.just("1980-05-17"),
            "guardian_name": st.just("Vera Vårdnadshavare"),
        }

    return valid


def _allow_pull(client, w):
    from transfers.pull import SESSION_KEY

    session = client.session
    session[SESSION_KEY] = {str(w.borrower_b.code): reverse("borrowers:create_adult")}
    session.save()


def _reset_token_in_session(client, w):
    from borrowers.credentials import make_token
    from selfservice.views import RESET_TOKEN

    session = client.session
    session[RESET_TOKEN] = make_token(w.borrower_a, purpose="reset")
    session.save()


def _credentials_token(borrower):
    from borrowers.credentials import make_token

    return make_token(borrower)


def _profile_valid(w):
    from tests.factories import TEST_PASSWORD

    return {
        "password-old_password": st.just(TEST_PASSWORD),
        "email-password": st.just(TEST_PASSWORD),
        "email-email": _emails(),
    }


CASES = [
    *(
        FormCase(
            f"create_{kind}",
            REGISTRAR_A,
            lambda w, kind=kind: reverse(f"borrowers:create_{kind}"),
            valid=_create_valid(MINOR_PERSONNUMMER if "minor" in kind else ADULT_PERSONNUMMER),
        )
        for kind in ("adult", "minor", "lma_adult", "lma_minor")
    ),
    FormCase(
        "edit",
        REGISTRAR_A,
        lambda w: reverse("borrowers:edit", args=[w.borrower_a.code]),
        valid=lambda w: {"email": _emails(), "first_name": st.just("Anna")},
    ),
    FormCase(
        "password", REGISTRAR_A, lambda w: reverse("borrowers:password", args=[w.borrower_a.code])
    ),
    FormCase("search", REGISTRAR_A, lambda w: reverse("borrowers:search")),
    FormCase(
        "library_search",
        REGISTRAR_A,
        lambda w: reverse("transfers:library_search", args=[w.borrower_a.code]),
        method="get",
    ),
    FormCase(
        "pull",
        REGISTRAR_A,
        lambda w: reverse("transfers:pull", args=[w.borrower_b.code]),
        setup=_allow_pull,
        valid=lambda w: {"consent": st.just("on"), "email": _emails()},
    ),
    FormCase(
        "profile_password",
        REGISTRAR_A,
        lambda w: reverse("accounts:profile"),
        valid=_profile_valid,
        submit={"change_password": "1"},
    ),
    FormCase(
        "profile_email",
        REGISTRAR_A,
        lambda w: reverse("accounts:profile"),
        valid=_profile_valid,
        submit={"change_email": "1"},
    ),
    FormCase("staff_login", ANONYMOUS, lambda w: reverse("accounts:login")),
    FormCase("staff_reset", ANONYMOUS, lambda w: reverse("accounts:password_reset")),
    FormCase(
        "choose_password",
        ANONYMOUS,
        lambda w: reverse("borrowers:choose_password", args=[_credentials_token(w.borrower_a)]),
        statuses=(200, 302, 404),
    ),
    FormCase(
        "mina_sidor_login",
        ANONYMOUS,
        lambda w: reverse("selfservice:login"),
        valid=lambda w: {"email": st.just(w.member.email), "password": st.just(MEMBER_PASSWORD)},
    ),
    FormCase("mina_sidor_forgot", ANONYMOUS, lambda w: reverse("selfservice:forgot_password")),
    FormCase(
        "mina_sidor_reset",
        ANONYMOUS,
        lambda w: reverse("selfservice:reset_password"),
        setup=_reset_token_in_session,
    ),
    FormCase(
        "mina_sidor_password",
        BORROWER,
        lambda w: reverse("selfservice:change_password"),
        valid=lambda w: {"current_password": st.just(MEMBER_PASSWORD)},
    ),
    FormCase(
        "mina_sidor_library_search",
        BORROWER,
        lambda w: reverse("selfservice:transfer"),
        method="get",
    ),
    FormCase(
        "application",
        ANONYMOUS,
        lambda w: reverse("applications:apply") + f"?bibliotek={w.library_a.pk}",
        valid=lambda w: {
            "library": st.just(str(w.library_a.pk)),
            "email": _emails(),
            "works_at_library": st.just("on"),
            "course_taken": st.just("on"),
        },
    ),
    FormCase(
        "application_library_search",
        ANONYMOUS,
        lambda w: reverse("applications:library_search"),
        method="get",
    ),
    FormCase("branch_application", HEAD_ADMIN_A, lambda w: reverse("applications:branch")),
    FormCase(
        "admin_borrower_search",
        MTM_SUPERUSER,
        lambda w: reverse("admin:borrowers_borrower_changelist"),
        method="get",
    ),
]

_FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"', re.IGNORECASE)
_SKIP = {"csrfmiddlewaretoken", "decision", "change_password", "change_email"}
_fields_cache: dict[str, list[str]] = {}


def form_fields(client, case, url) -> list[str]:
    """The names of the inputs on the form's page (the admin's: its search box)."""
    if case.name not in _fields_cache:
        if case.method == "get":
            names = ["q"]
        else:
            html = client.get(url).content.decode()
            names = sorted(set(_FIELD.findall(html)) - _SKIP)
        assert names, f"{case.name}: no form fields found at {url}"
        _fields_cache[case.name] = names
    return _fields_cache[case.name]


def assert_no_raw_markup(response, where):
    html = response.content.decode(errors="replace")
    match = RAW_MARKUP.search(html)
    assert match is None, f"{where}: unescaped markup {match.group(0)!r}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@given(data=st.data())
@PROFILE
def test_hostile_input_gives_a_form_error_or_a_correct_save(client, world, case, data):
    log_in_as(client, world, case.actor)
    if case.setup:
        case.setup(client, world)
    url = case.url(world)
    valid = case.valid(world)
    values = {}
    for name in form_fields(client, case, url):
        options = [hostile_text]
        if name in valid:
            options.append(valid[name])
        values[name] = data.draw(st.one_of(*options), label=name)
    values.update(case.submit)
    if case.method == "get":
        response = client.get(url, values)
    else:
        response = client.post(url, values, REMOTE_ADDR="10.9.9.9")
    # A server error would have been raised by the test client already.
    assert response.status_code in case.statuses, response.status_code
    assert_no_raw_markup(response, f"{case.name} answer")
    if response.status_code == 302 and response["Location"].startswith("/"):
        follow = client.get(response["Location"])
        assert follow.status_code in (200, 302, 403, 404)
        assert_no_raw_markup(follow, f"{case.name} → {response['Location']}")


# --- stored markup is shown as text everywhere ------------------------------------------

MARKUP = "<script>alert(1)</script>"


@pytest.fixture
def marked_up(world):
    """A borrower of A whose every text field holds markup."""
    borrower = BorrowerFactory(
        library=world.library_a,
        first_name=MARKUP,
        last_name='"><img src=x onerror=alert(1)>',
        registered_as_minor=False,
        guardian_name=MARKUP,
    )
    world.library_a.name = f"Bibliotek {MARKUP}"
    world.library_a.save()
    return borrower


def _pages(world, borrower):
    yield REGISTRAR_A, reverse("borrowers:detail", args=[borrower.code])
    yield REGISTRAR_A, reverse("borrowers:edit", args=[borrower.code])
    yield REGISTRAR_A, reverse("borrowers:delete", args=[borrower.code])
    yield REGISTRAR_A, reverse("borrowers:list", args=["samtliga"])
    yield REGISTRAR_A, reverse("portal:start")
    yield REGISTRAR_A, reverse("libraries:my_library")
    yield REGISTRAR_A, reverse("transfers:outgoing", args=[borrower.code])
    yield MTM_SUPERUSER, reverse("admin:borrowers_borrower_changelist")
    yield MTM_SUPERUSER, reverse("admin:borrowers_borrower_changelist") + "?q=alert"
    yield MTM_SUPERUSER, reverse("admin:borrowers_borrower_change", args=[borrower.pk])
    yield MTM_SUPERUSER, reverse("admin:libraries_library_changelist")


def test_stored_markup_is_rendered_as_text_on_every_page(client, world, marked_up):
    for actor, url in _pages(world, marked_up):
        log_in_as(client, world, actor)
        response = client.get(url, follow=True)  # the admin moves a search out of the URL
        assert response.status_code == 200, url
        assert_no_raw_markup(response, url)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode(), url


def test_stored_markup_in_search_results_is_text(client, world, marked_up):
    log_in_as(client, world, REGISTRAR_A)
    response = client.post(reverse("borrowers:search"), {"q": "script"}, follow=True)
    assert response.status_code == 200
    assert_no_raw_markup(response, "search results")
    assert "&lt;script&gt;" in response.content.decode()


def test_stored_markup_in_a_transfer_request_is_text(client, world):
    from transfers.models import TransferRequest

    borrower = BorrowerFactory(library=world.library_b, first_name=MARKUP)
    TransferRequest.request(borrower, to_library=world.library_a, by=None)
    log_in_as(client, world, REGISTRAR_A)
    response = client.get(reverse("transfers:incoming"))
    assert_no_raw_markup(response, "incoming")
    assert "&lt;script&gt;" in response.content.decode()


def test_stored_markup_on_mina_sidor_is_text(client, world):
    world.member.first_name = MARKUP
    world.member.save()
    log_in_as(client, world, BORROWER)
    response = client.get(reverse("selfservice:details"))
    assert response.status_code == 200
    assert_no_raw_markup(response, "Mina sidor")
    assert "&lt;script&gt;" in response.content.decode()
