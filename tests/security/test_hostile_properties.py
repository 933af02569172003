"""Hostile values, property-based and in bulk: lone surrogates, C0/C1 controls,
zero-width and bidi characters, huge strings, deeply nested JSON, odd dates (year 1,
year 9999, 29 February), other scripts' digits, spaces and case. Each property is
checked where it is cheapest — the edge middleware on a bare request, the validators
and fields on their own, every form class bound to the values, the JSON API through
the test client — so that a CI run tries well over 10,000 cases in about two minutes
(conftest.py prints the count in the summary). Any exception other than a refusal fails, as
does any 500 from the API. test_hostile_input.py drives the same kinds of values
through each form's page.
"""

import json
import string

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borrowers.forms.fields import LmaNumberField, PersonalNumberField, SwedishDateField
from core.dates import validate_birth_date, validate_plausible_date
from core.edge import RefuseUnreadableInputMiddleware, encodable, json_problem
from core.validators import validate_name


def _budget(n: int):
    """A fixed, derandomised budget per property: the same cases on every run."""
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


# --- the hostile alphabet ----------------------------------------------------------------

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
CONTROLS = st.sampled_from(
    [chr(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]]
    + list("\u200b\u200c\u200d\u2060\ufeff\u00ad\u2028\u2029")
    + list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
)
OTHER_DIGITS = st.sampled_from(list("０１２３４５６７８９٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२३४५६७८९"))
SPACES = st.sampled_from(list(" \t\u00a0\u2002\u2003\u3000\u1680"))
FRAGMENTS = st.sampled_from(
    [
        "19121212-1212",
        "121212+1212",
        "99-000011",
        "anna@post.example",
        "ANNA@POST.EXAMPLE",
        "rıta@a.example",
        "Straße",
        "<script>",
        "' OR 1=1 --",
        "%00",
        "%ED%A0%80",
        "\\ud800",
        "0001-01-01",
        "9999-12-31",
        "2023-02-29",
        "2024-02-29",
        "1889-12-31",
    ]
)
hostile_char = st.one_of(
    st.characters(), SURROGATES, CONTROLS, OTHER_DIGITS, SPACES, st.sampled_from('[]{}"\\')
)
hostile_text = st.one_of(
    st.text(hostile_char, max_size=40),
    st.lists(st.one_of(FRAGMENTS, st.text(hostile_char, max_size=6)), max_size=5).map("".join),
    st.tuples(st.sampled_from(["x", "å", "\u200b", "[", '{"a":']), st.integers(1000, 20000)).map(
        lambda pair: pair[0] * pair[1]
    ),
)
#: What a form or a query string can carry: Django decodes those with errors="replace".
form_text = hostile_text.map(lambda t: t.encode("utf-8", "replace").decode("utf-8", "replace"))
odd_dates = st.one_of(
    st.dates(),
    st.sampled_from(["0001-01-01", "9999-12-31", "2023-02-29", "1889-12-31", "1890-01-01"]),
    st.builds(
        "{}-{:02}-{:02}".format,
        st.integers(0, 99999),
        st.integers(0, 13),
        st.integers(0, 32),
    ),
    form_text,
)


def _refused_or_fine(call, *args) -> bool:
    """True when the call passed, False when it refused with a ValidationError; any
    other exception propagates and fails the property."""
    try:
        call(*args)
    except (ValidationError, forms.ValidationError):
        return False
    return True


# --- the edge: every request, before any view -------------------------------------------


def _json_value(depth: int = 3):
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), hostile_text)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(hostile_text, inner, max_size=3)
        ),
        max_leaves=8,
    )


def _json_body():
    raw = _json_value().map(lambda v: json.dumps(v).encode())  # \u escapes, lone surrogates
    return st.one_of(
        raw,
        _json_value().map(
            lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass")
        ),
        st.tuples(st.sampled_from([b"[", b'{"a":', b"[{", b'"']), st.integers(1, 5000)).map(
            lambda pair: pair[0] * pair[1]
        ),
        st.binary(max_size=200),
    )


_factory = RequestFactory()
_middleware = RefuseUnreadableInputMiddleware(lambda request: None)


@_budget(3000)
@given(body=_json_body(), header=hostile_text, query=form_text)
def test_the_edge_lets_through_only_text_that_can_be_written_back(count, body, header, query):
    count()
    request = _factory.generic(
        "POST",
        "/api/v1/authenticate",
        body,
        content_type="application/json",
        QUERY_STRING="q=" + query.encode("utf-8").hex(),
        HTTP_X_PROBE=header,
    )
    refusal = _middleware.refusal(request)
    if not encodable(header):
        assert refusal is not None and refusal.status_code == 400
        return
    if refusal is None:
        # What passed can be parsed (or is not JSON at all) and written back as UTF-8.
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            return
        assert encodable(json.dumps(parsed, ensure_ascii=False))
    else:
        assert refusal.status_code in (400, 413)
        assert json_problem(body) is not None


# --- the one validator for names and the one range for dates --------------------------


@_budget(2500)
@given(value=hostile_text)
def test_validate_name_refuses_or_passes_and_never_lets_a_control_through(count, value):
    count()
    if _refused_or_fine(validate_name, value):
        import unicodedata

        joiners = "\u200c\u200d"
        assert not any(
            unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} and c not in joiners for c in value
        )


@_budget(1500)
@given(value=odd_dates)
def test_every_date_field_refuses_or_keeps_to_the_range(count, value):
    count()
    field = SwedishDateField(required=False)
    try:
        cleaned = field.clean(value if isinstance(value, str) else f"{value:%Y-%m-%d}")
    except forms.ValidationError:
        return
    if cleaned is not None:
        validate_plausible_date(cleaned)  # what a field accepts, the model accepts
        _refused_or_fine(validate_birth_date, cleaned)


@_budget(1500)
@given(
    value=st.one_of(
        form_text,
        st.builds(
            str.join,
            st.just(""),
            st.lists(
                st.one_of(
                    st.sampled_from(string.digits), OTHER_DIGITS, SPACES, st.sampled_from("-+")
                ),
                max_size=16,
            ),
        ),
    )
)
def test_identity_fields_parse_or_refuse_anything(count, value):
    count()
    for field in (PersonalNumberField(required=False), LmaNumberField(required=False)):
        try:
            identity = field.clean(value)
        except forms.ValidationError:
            continue
        if identity is not None:
            assert identity.value.isascii() and identity.value.isdigit()


# --- every form class, bound to hostile values -----------------------------------------


def _form_classes():
    from accounts.forms import EmailChangeForm, LoginForm, PasswordChangeForm, PasswordResetForm
    from applications.students import StudentApplicationForm
    from borrowers.forms.register import (
        AdultBorrowerForm,
        LmaAdultBorrowerForm,
        LmaMinorBorrowerForm,
        MinorBorrowerForm,
    )
    from selfservice.forms import ForgotPasswordForm
    from selfservice.forms import LoginForm as BorrowerLoginForm
    from stats.forms import RangeForm

    return {
        "create_adult": (AdultBorrowerForm, "registrar"),
        "create_minor": (MinorBorrowerForm, "registrar"),
        "create_lma_adult": (LmaAdultBorrowerForm, "registrar"),
        "create_lma_minor": (LmaMinorBorrowerForm, "registrar"),
        "student": (StudentApplicationForm, "registrar"),
        "staff_login": (LoginForm, "request"),
        "staff_reset": (PasswordResetForm, None),
        "staff_password": (PasswordChangeForm, "user"),
        "staff_email": (EmailChangeForm, "user"),
        "borrower_login": (BorrowerLoginForm, None),
        "borrower_forgot": (ForgotPasswordForm, None),
        "statistik": (RangeForm, None),
    }


FORMS = list(_form_classes())


def _bind(name, data, registrar):
    form_class, needs = _form_classes()[name]
    if needs == "registrar":
        return form_class(data, registrar=registrar)
    if needs == "user":
        return form_class(registrar, data)
    if needs == "request":
        return form_class(None, data=data)
    return form_class(data)


_field_names: dict[str, list[str]] = {}


@pytest.mark.parametrize("name", FORMS)
def test_every_form_refuses_or_accepts_hostile_values(count, registrar, name):
    _field_names[name] = list(_bind(name, None, registrar).fields) or ["x"]

    @_budget(150)
    @given(
        data=st.fixed_dictionaries({f: st.one_of(form_text, odd_dates) for f in _field_names[name]})
    )
    def bound(data):
        count()
        values = {k: v if isinstance(v, str) else f"{v:%Y-%m-%d}" for k, v in data.items()}
        form = _bind(name, values, registrar)
        if form.is_valid():
            for key, value in form.cleaned_data.items():
                if isinstance(value, str):
                    assert encodable(value), key

    bound()


# --- the JSON API through the test client ----------------------------------------------


@pytest.fixture
def service_token(db):
    from selfservice.models import ServiceToken

    token = ServiceToken(name="Legimus")
    plain = token.generate()
    token.save()
    return plain


@_budget(600)
@given(
    body=st.one_of(
        _json_body(),
        st.fixed_dictionaries({"email": hostile_text, "password": hostile_text}).map(
            lambda d: json.dumps(d).encode()
        ),
    )
)
def test_the_login_check_never_answers_a_server_error(count, service_token, body):
    count()
    client = Client(raise_request_exception=False)
    response = client.generic(
        "POST",
        "/api/v1/authenticate",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {service_token}",
    )
    assert response.status_code in (200, 400, 413, 429), response.status_code
    assert response["Content-Type"] == "application/json"
