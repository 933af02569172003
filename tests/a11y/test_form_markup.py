"""The markup contract of every form page in its error state, without a browser
(accessibility.md §3, §7.3 "test_form_markup_contract"): rendered through the test
client and read with a small parser, so they run on every commit in milliseconds.

The contract: the title starts with "Fel: "; an error summary sits at the top and
links to inputs marked aria-invalid="true"; every aria-describedby points at
existing ids, and every hint and error is pointed at; no HTML "required", forms are
novalidate, no asterisks; every input has a label (for=id) or sits in a fieldset
with a legend; groups of checkboxes or radios are fieldsets with legends; autocomplete
says what it should (the staff member's own login and profile: username, e-mail,
current/new password; a third person's data: off)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from borrowers.credentials import make_token

from .conftest import BORROWER_PASSWORD
from .dom import Node, parse

pytestmark = pytest.mark.a11y

FIELD_TAGS = {"input", "select", "textarea"}
NOT_FIELDS = {"hidden", "submit", "button", "reset", "image"}
TEXT_LIKE = {"text", "email", "search", "tel", "url", "number", "password", None}

#: The autocomplete tokens of forms about the person using them (WCAG 1.3.5).
STAFF_LOGIN = {"username": "username", "password": "current-password"}
STAFF_RESET = {"email": "email"}
STAFF_NEW_PASSWORD = {"new_password1": "new-password", "new_password2": "new-password"}
STAFF_PROFILE = {
    "password-old_password": "current-password",
    "password-new_password1": "new-password",
    "password-new_password2": "new-password",
    "email-email": "email",
    "email-password": "current-password",
}
BORROWER_LOGIN = {"email": "username", "password": "current-password"}
BORROWER_FORGOT = {"email": "email"}
BORROWER_NEW_PASSWORD = STAFF_NEW_PASSWORD
BORROWER_CHANGE_PASSWORD = {"current_password": "current-password", **STAFF_NEW_PASSWORD}
#: Forms about a third person (the borrower): no autofill of the registrar's own data.
THIRD_PARTY = None


@dataclass(frozen=True)
class FormPage:
    id: str
    actor: str  # a fixture name, or "anonymous" / "lena" (logged in to Mina sidor)
    submit: Callable  # (world) -> response of the failed submit
    autocomplete: dict | None = THIRD_PARTY
    extra: dict = field(default_factory=dict)


#: What a browser sends for a form left empty (views that read `request.POST or None`
#: see a bound form, as they do in real life).
EMPTY = {"csrfmiddlewaretoken": "not-checked-by-the-test-client"}


def post(url_name, data=None, *args):
    def submit(w):
        return w.client.post(reverse(url_name, args=[arg(w) for arg in args]), data or EMPTY)

    return submit


def get(url_name, query, *args):
    def submit(w):
        return w.client.get(reverse(url_name, args=[arg(w) for arg in args]) + query)

    return submit


def code_of(name):
    return lambda w: getattr(w, name).code


def pull_without_consent(w):
    # The create form puts the pull into the session when the registrar types the
    # identifier of another library's borrower.
    w.client.post(reverse("borrowers:create_adult"), {"identifier": w.borrower_b.identifier})
    return w.client.post(reverse("transfers:pull", args=[w.borrower_b.code]), EMPTY)


def staff_reset_confirm(w):
    uid = urlsafe_base64_encode(force_bytes(w.registrar.pk))
    token = default_token_generator.make_token(w.registrar)
    page = w.client.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)
    return w.client.post(page.redirect_chain[-1][0], EMPTY)


def choose_password(w):
    w.borrower_a.send_credentials(by=w.registrar)
    w.borrower_a.refresh_from_db()
    return w.client.post(
        reverse("borrowers:choose_password", args=[make_token(w.borrower_a)]), EMPTY
    )


def borrower_reset(w):
    w.client.get(reverse("selfservice:reset_link", args=[make_token(w.lena, purpose="reset")]))
    return w.client.post(reverse("selfservice:reset_password"), EMPTY)


FORM_PAGES = [
    FormPage("create-adult", "registrar", post("borrowers:create_adult")),
    FormPage("create-minor", "registrar", post("borrowers:create_minor")),
    FormPage("create-lma-adult", "registrar", post("borrowers:create_lma_adult")),
    FormPage("create-lma-minor", "registrar", post("borrowers:create_lma_minor")),
    FormPage("edit", "registrar", post("borrowers:edit", None, code_of("borrower_a"))),
    FormPage("password", "registrar", post("borrowers:password", None, code_of("borrower_a"))),
    FormPage("search", "registrar", post("borrowers:search", {"q": " "})),
    FormPage(
        "transfer-library-search",
        "registrar",
        get("transfers:library_search", "?q=", code_of("borrower_a")),
    ),
    FormPage("pull", "registrar", pull_without_consent),
    FormPage(
        "profile-password",
        "registrar",
        post("accounts:profile", {"change_password": ""}),
        STAFF_PROFILE,
    ),
    FormPage(
        "profile-email", "registrar", post("accounts:profile", {"change_email": ""}), STAFF_PROFILE
    ),
    FormPage("login", "anonymous", post("accounts:login"), STAFF_LOGIN),
    FormPage("password-reset", "anonymous", post("accounts:password_reset"), STAFF_RESET),
    FormPage("password-reset-confirm", "anonymous", staff_reset_confirm, STAFF_NEW_PASSWORD),
    FormPage("choose-password", "anonymous", choose_password, BORROWER_NEW_PASSWORD),
    FormPage("mina-sidor-login", "anonymous", post("selfservice:login"), BORROWER_LOGIN),
    FormPage(
        "mina-sidor-forgot", "anonymous", post("selfservice:forgot_password"), BORROWER_FORGOT
    ),
    FormPage("mina-sidor-reset", "anonymous", borrower_reset, BORROWER_NEW_PASSWORD),
    FormPage(
        "mina-sidor-password",
        "lena",
        post("selfservice:change_password"),
        BORROWER_CHANGE_PASSWORD,
    ),
    FormPage("mina-sidor-transfer-search", "lena", get("selfservice:transfer", "?q=")),
]


@pytest.fixture
def world(request, client, registrar, borrower_a, borrower_b, lena):
    return SimpleNamespace(
        client=client, registrar=registrar, borrower_a=borrower_a, borrower_b=borrower_b, lena=lena
    )


def log_in(world, actor, request):
    if actor == "lena":
        response = world.client.post(
            reverse("selfservice:login"), {"email": world.lena.email, "password": BORROWER_PASSWORD}
        )
        assert response.status_code == 302, "Lena could not log in to Mina sidor"
    elif actor != "anonymous":
        world.client.force_login(request.getfixturevalue(actor))


# --- the contract ---------------------------------------------------------------


def by_id(document: Node) -> dict[str, Node]:
    ids: dict[str, Node] = {}
    for node in document.iter():
        if node.get("id"):
            assert node.get("id") not in ids, f"duplicate id {node.get('id')!r}"
            ids[node.get("id")] = node
    return ids


def fields_of(document: Node) -> list[Node]:
    return [
        node
        for node in document.iter()
        if node.tag in FIELD_TAGS and node.get("type") not in NOT_FIELDS
    ]


def has_label(node: Node, document: Node) -> bool:
    if node.closest("label") is not None:
        return True
    labels = [label for label in document.find_all("label") if label.get("for") == node.get("id")]
    if labels and all(label.text() for label in labels):
        return True
    fieldset = node.closest("fieldset")
    legend = fieldset and next(iter(fieldset.find_all("legend")), None)
    return bool(legend and legend.text()) and node.get("type") in {"radio", "checkbox"}


def effective_autocomplete(node: Node) -> str | None:
    own = node.get("autocomplete")
    if own is not None:
        return own
    form = node.closest("form")
    return form.get("autocomplete") if form is not None else None


def assert_form_contract(html: str, autocomplete: dict | None) -> None:
    document = parse(html)
    ids = by_id(document)
    problems: list[str] = []

    title = document.find_all("title")[0].text()
    if not title.startswith("Fel: "):
        problems.append(f"the title does not start with 'Fel: ': {title!r}")

    summary = ids.get("error-summary")
    if summary is None:
        problems.append("no error summary")
    else:
        in_main = list(document.find_all("main")[0].iter())
        headings = [node for node in in_main if node.tag == "h1"]
        if summary not in in_main or (
            headings and in_main.index(headings[0]) < in_main.index(summary)
        ):
            problems.append("the error summary is not at the top of <main>, before the h1")
        if summary.get("tabindex") != "-1" or "autofocus" not in summary.attrs:
            problems.append("the error summary cannot take focus on load")
        if not summary.find_all(lambda n: n.get("role") == "alert"):
            problems.append("the error summary has no role=alert")
        links = summary.find_all("a")
        if not links and not summary.find_all("li"):
            problems.append("the error summary lists no errors")
        for link in links:
            target = ids.get(link.get("href", "").removeprefix("#"))
            if target is None or target.tag not in FIELD_TAGS:
                problems.append(f"summary link {link.get('href')} leads to no input")
            elif target.get("aria-invalid") != "true":
                problems.append(
                    f"summary link {link.get('href')} leads to an input not aria-invalid"
                )

    referenced: set[str] = set()
    for node in document.iter():
        for ref in (node.get("aria-describedby") or "").split():
            referenced.add(ref)
            if ref not in ids:
                problems.append(f"aria-describedby of {node!r} points at a missing id {ref!r}")
    for node_id in ids:
        if node_id.endswith(("_helptext", "_error")) and node_id not in referenced:
            problems.append(f"#{node_id} is tied to no field by aria-describedby")

    for form in document.find_all("form"):
        if fields_of(form) and "novalidate" not in form.attrs:
            problems.append(f"{form!r} lacks novalidate")
    for node in fields_of(document):
        if "required" in node.attrs:
            problems.append(f"{node!r} has the HTML required attribute")
        if not has_label(node, document):
            problems.append(f"{node!r} has no label and no fieldset legend")
    for node in document.find_all(lambda n: n.tag in {"label", "legend"}):
        if "*" in node.text():
            problems.append(f"an asterisk in {node!r}: {node.text()!r}")
    if "asteriskField" in html:
        problems.append("an asteriskField")

    groups: dict[str, list[Node]] = {}
    for node in fields_of(document):
        if node.get("type") in {"radio", "checkbox"}:
            groups.setdefault(node.get("name"), []).append(node)
    for name, members in groups.items():
        if len(members) > 1:
            fieldset = members[0].closest("fieldset")
            legends = fieldset.find_all("legend") if fieldset is not None else []
            if not legends or not legends[0].text():
                problems.append(f"the group {name!r} is not a fieldset with a legend")

    for node in fields_of(document):
        kind = node.get("type") if node.tag == "input" else None
        if node.tag != "input" or kind not in TEXT_LIKE:
            continue
        name = node.get("name")
        actual = effective_autocomplete(node)
        if autocomplete is not None and name in autocomplete:
            expected = {autocomplete[name]}
        elif kind == "password":
            # Chrome ignores "off" on passwords; "new-password" keeps the
            # registrar's own saved password out of a borrower's field.
            expected = {"off", "new-password"}
        else:
            expected = {"off"}
        if actual not in expected:
            problems.append(f"{name!r}: autocomplete={actual!r}, expected one of {expected}")

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("form_page", FORM_PAGES, ids=lambda case: case.id)
def test_form_page_in_its_error_state_keeps_the_markup_contract(
    form_page, world, request, branch_a
):
    log_in(world, form_page.actor, request)
    response = form_page.submit(world)
    assert response.status_code in (200, 400), response.status_code
    assert_form_contract(response.content.decode(), form_page.autocomplete)


def test_the_contract_catches_a_broken_page():
    """The checker itself: a page breaking each rule is refused with each reason."""
    html = """<html><head><title>Skapa</title></head><body><main>
      <h1>Skapa</h1>
      <form method="post"><label for="id_a">Namn *</label>
      <input id="id_a" name="a" required aria-describedby="id_a_helptext id_a_error">
      <input id="id_b" name="b" type="email">
      <input type="checkbox" name="c" id="id_c_0"><input type="checkbox" name="c" id="id_c_1">
      <p id="id_x_error">Fel</p></form></main></body></html>"""
    with pytest.raises(AssertionError) as failure:
        assert_form_contract(html, THIRD_PARTY)
    message = str(failure.value)
    for reason in (
        "title does not start",
        "no error summary",
        "missing id 'id_a_helptext'",
        "#id_x_error is tied to no field",
        "lacks novalidate",
        "required attribute",
        "has no label",
        "asterisk",
        "is not a fieldset with a legend",
        "autocomplete=None",
    ):
        assert reason in message, reason


def test_every_date_field_states_its_format_in_the_hint():
    """Dates are typed ÅÅÅÅ-MM-DD; every date field of every form says so in its hint."""
    import contextlib
    import importlib

    from django import forms as django_forms
    from django.apps import apps

    from core.forms import AccessibleFormMixin

    for config in apps.get_app_configs():
        for module in ("forms", "forms.register", "forms.manage"):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{config.name}.{module}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    checked = 0
    for form_class in set(subclasses(AccessibleFormMixin)):
        for name, form_field in getattr(form_class, "base_fields", {}).items():
            if isinstance(form_field, django_forms.DateField):
                checked += 1
                assert "ÅÅÅÅ-MM-DD" in str(form_field.help_text), (form_class, name)
    assert checked, "no date field found: the test looks in the wrong place"
