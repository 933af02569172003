"""No input makes a server error: unencodable text is refused at the edge once for
every door (core/edge.py), Statistik and every date field keep to a plausible range
(core/dates.py), and the passkey endpoints get the login check's JSON limits."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from core.dates import EARLIEST_DATE, latest_date, validate_plausible_date
from core.edge import MAX_JSON_BYTES, MAX_JSON_DEPTH, json_problem, too_deep
from selfservice.models import ServiceToken
from tests.borrowers.register.conftest import create_url, published, valid_data  # noqa: F401

from .conftest import MTM_SUPERUSER, REGISTRAR_A, log_in_as

API = reverse("api:authenticate")


@pytest.fixture
def token(db):
    service = ServiceToken(name="Legimus")
    plain = service.generate()
    service.save()
    return plain


def _server(**kwargs) -> Client:
    """A client that answers with the server's response instead of raising."""
    return Client(raise_request_exception=False, **kwargs)


# --- unencodable text -----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        rb'{"email":"\ud800@x.se","password":"x"}',  # an escaped lone surrogate
        rb'{"email":"a@x.se","password":"\udfff"}',
        rb'{"\ud800":"a@x.se","password":"x"}',
        b'{"email":"\xed\xa0\x80@x.se","password":"x"}',  # the surrogate's raw bytes
        b'{"email":"\xff@x.se","password":"x"}',
    ],
    ids=["email", "password", "key", "raw-bytes", "latin-1"],
)
def test_the_login_check_refuses_unencodable_text_with_a_json_400(db, token, body):
    response = _server().generic(
        "POST", API, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    assert response.json() == {"error": "bad_request"}


def test_a_nul_is_a_wrong_login_and_no_server_error(db, token):
    # PostgreSQL refuses NUL in text: the login check answers before any query.
    body = rb'{"email":"\u0000","password":"0"}'
    response = _server().generic(
        "POST", API, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    assert response.json() == {"ok": False, "reason": "invalid_credentials"}


def test_a_properly_paired_surrogate_escape_is_an_ordinary_character(db, token):
    body = rb'{"email":"\ud83d\ude00@x.se","password":"x"}'  # an emoji, escaped
    response = _server().generic(
        "POST", API, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200 and response.json()["ok"] is False


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_form_in_another_charset_is_a_400(world, settings, debug):
    settings.DEBUG = debug
    body = "email=a%40x.se&password=x".encode("utf-16")
    for url in (reverse("selfservice:login"), reverse("accounts:login")):
        response = _server().generic(
            "POST", url, body, content_type="application/x-www-form-urlencoded; charset=utf-16"
        )
        assert response.status_code == 400
        assert "Det gick inte att hantera begäran" in response.content.decode()


def test_a_utf8_form_declared_as_such_is_served(world):
    response = _server().generic(
        "POST",
        reverse("selfservice:login"),
        "email=a%40x.se&password=x",
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
    )
    assert response.status_code == 200


def test_broken_bytes_in_a_form_or_query_become_replacement_characters(world):
    # Django decodes these with errors="replace": the form answers, nothing crashes.
    client = _server()
    form = client.post(
        reverse("selfservice:login"),
        "email=%ED%A0%80%40x.se&password=%ED%A0%80",
        content_type="application/x-www-form-urlencoded",
    )
    assert form.status_code == 200
    assert client.get(reverse("selfservice:login") + "?next=%ED%A0%80%FF").status_code == 200


def test_an_unencodable_header_is_a_400(world):
    response = _server().get(reverse("selfservice:login"), HTTP_X_PROBE="\ud800")
    assert response.status_code == 400


# --- JSON limits: one function for the login check and the passkey endpoints ----------

PASSKEY_ENDPOINTS = [
    "credential-registration-begin",
    "credential-registration-complete",
    "credential-authentication-begin",
    "credential-authentication-complete",
]


@pytest.mark.parametrize("name", PASSKEY_ENDPOINTS)
@pytest.mark.parametrize(
    ("body", "status"),
    [("[" * 100_000, 400), ('{"a":' * 40_000, 400), ('{"a":"' + "x" * MAX_JSON_BYTES + '"}', 413)],
    ids=["nested-arrays", "nested-objects", "too-large"],
)
def test_passkey_endpoints_refuse_deep_or_huge_json_before_the_library(
    client, world, name, body, status
):
    log_in_as(client, world, REGISTRAR_A)
    client.raise_request_exception = False
    response = client.post(reverse(f"otp_webauthn:{name}"), body, content_type="application/json")
    assert response.status_code == status


def test_the_depth_limit_ignores_brackets_inside_strings():
    assert not too_deep(b'{"email":"[[[[[[[[[[{{{{{{{{","password":"]]]]"}')
    assert too_deep(b"[" * (MAX_JSON_DEPTH + 1))
    assert not too_deep(b"[" * MAX_JSON_DEPTH)
    assert json_problem(b"not json at all") is None  # left to the view to refuse


# --- Statistik: a range within the registry's lifetime --------------------------------


@pytest.mark.parametrize(
    ("fran", "till"), [("0001-01-01", "0001-12-31"), ("9999-01-01", "9999-12-31")]
)
def test_statistik_refuses_ranges_outside_the_registrys_lifetime(client, world, fran, till):
    range_ = {"fran": fran, "till": till}
    log_in_as(client, world, REGISTRAR_A)
    page = client.get(reverse("stats:library"), range_)
    assert page.status_code == 200
    assert "Skriv ett datum från 2000-01-01 till" in page.content.decode()
    for table in ("nu", "per-bibliotek", "per-manad"):
        assert client.get(reverse("stats:library_csv", args=[table]), range_).status_code == 200
    log_in_as(client, world, MTM_SUPERUSER)
    national = client.get(reverse("admin:stats_dailysnapshot_changelist"), range_)
    assert national.status_code == 200
    assert "Skriv ett datum från 2000-01-01 till" in national.content.decode()
    csv = client.get(reverse("admin:stats_dailysnapshot_csv", args=["lan"]), range_)
    assert csv.status_code == 200


# --- every date field: a plausible range ------------------------------------------------


@pytest.fixture
def on_a_known_day():
    with time_machine.travel(date(2026, 3, 16), tick=False):
        yield


OUT_OF_RANGE = "Skriv ett datum från 1890-01-01 till 2036-03-16."


def _field_errors(response, field):
    return response.context["form"].errors.get(field, [])


@pytest.mark.usefixtures("on_a_known_day", "published")
@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("adult", "valid_until", "9999-12-31"),  # a personnummer's validity
        ("lma_adult", "valid_until", "9999-12-31"),  # an LMA card's validity
        ("minor", "guardian_birth_date", "0001-01-01"),
        ("lma_minor", "guardian_birth_date", "1889-12-31"),
    ],
)
def test_create_forms_refuse_implausible_dates(registrar_client, kind, field, value):
    response = registrar_client.post(create_url(kind), valid_data(kind, **{field: value}))
    assert response.status_code == 200
    assert OUT_OF_RANGE in _field_errors(response, field)


@pytest.mark.usefixtures("on_a_known_day", "published")
def test_the_latest_plausible_validity_is_accepted(registrar_client):
    response = registrar_client.post(
        create_url("adult"), valid_data("adult", valid_until="2036-03-16")
    )
    assert response.status_code == 302


@pytest.mark.usefixtures("on_a_known_day")
@pytest.mark.parametrize(
    ("field", "value"), [("birth_date", "0001-01-01"), ("studies_end", "9999-12-31")]
)
def test_the_student_application_refuses_implausible_dates(registrar_client, field, value):
    from tests.applications.test_students import APPLY, data

    response = registrar_client.post(APPLY, data(**{field: value}))
    assert response.status_code == 200
    assert OUT_OF_RANGE in _field_errors(response, field)


@pytest.mark.usefixtures("on_a_known_day")
def test_the_models_refuse_implausible_dates_for_the_admin(borrower_a):
    from applications.models import StudentApplication

    borrower_a.valid_until = date(9999, 12, 31)
    borrower_a.guardian_birth_date = date(1, 1, 1)
    with pytest.raises(ValidationError) as refused:
        borrower_a.full_clean()
    assert {"valid_until", "guardian_birth_date"} <= set(refused.value.error_dict)
    student = StudentApplication(birth_date=date(1, 1, 1), studies_end=date(9999, 12, 31))
    with pytest.raises(ValidationError) as refused:
        student.clean_fields(exclude={"library", "applied_by", "first_name", "last_name", "email"})
    assert set(refused.value.error_dict) == {"birth_date", "studies_end"}


@pytest.mark.usefixtures("on_a_known_day")
def test_the_range_is_named_in_one_place():
    assert date(1890, 1, 1) == EARLIEST_DATE
    assert latest_date() == date(2036, 3, 16)
    validate_plausible_date(date(2036, 3, 16))
    with pytest.raises(ValidationError, match="1890-01-01"):
        validate_plausible_date(date(2036, 3, 17))
