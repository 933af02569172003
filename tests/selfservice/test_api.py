"""POST /api/v1/authenticate: the login check for the talking-book service."""

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client

from accounts import borrower_throttle as throttle
from accounts.models import LoginFailure
from audit.log import keyed_hash
from audit.models import Action, AuditEvent
from borrowers.models import Service
from selfservice.models import ServiceToken
from tests.factories import BorrowerFactory

from .conftest import API, PASSWORD, call_api, with_password


def test_a_missing_token_is_unauthorized(client, borrower):
    response = call_api(client, None)
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized"}
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not AuditEvent.objects.exists()


def test_a_wrong_token_is_unauthorized(client, borrower, service_token):
    assert call_api(client, service_token.plain + "x").status_code == 401
    assert call_api(client, "").status_code == 401
    response = client.post(
        API,
        {"email": borrower.email, "password": PASSWORD},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {service_token.plain}",
    )
    assert response.status_code == 401


def test_a_revoked_token_is_unauthorized(client, borrower, service_token):
    service_token.revoke()
    response = call_api(client, service_token.plain)
    assert response.status_code == 401 and response.json() == {"error": "unauthorized"}


def test_only_post(client, service_token):
    response = client.get(API, HTTP_AUTHORIZATION=f"Bearer {service_token.plain}")
    assert response.status_code == 405


def test_no_csrf_token_needed(borrower, service_token):
    client = Client(enforce_csrf_checks=True)
    assert call_api(client, service_token.plain).status_code == 200


def test_success_payload(client, borrower, service_token, branch_a):
    borrower.library = branch_a
    borrower.save()
    hidden = Service.objects.create(name="Gammal grupp", published=False)
    borrower.services.set([hidden, *Service.objects.filter(name__in=["Laddare", "Strömmare"])])
    response = call_api(client, service_token.plain, email="Lena@POST.example")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "ok": True,
        "borrower": {
            "code": str(borrower.code),
            "kind": "personnummer",
            "adult": True,
            "library": {"name": "Bibliotek A – filial", "main_library": "Bibliotek A"},
            "valid_until": None,
            "services": ["Laddare", "Strömmare"],
            "language": "sv",
        },
    }
    service_token.refresh_from_db()
    assert service_token.last_used_at is not None
    borrower.refresh_from_db()
    assert borrower.last_login is not None


def test_form_fields_work_as_well_as_json(client, borrower, service_token):
    response = client.post(
        API,
        {"email": borrower.email, "password": PASSWORD},
        HTTP_AUTHORIZATION=f"Bearer {service_token.plain}",
    )
    assert response.json()["ok"] is True


def test_payload_of_minor_lma_with_validity(client, library_a, service_token):
    with_password(
        BorrowerFactory(
            lma=True,
            registered_as_minor=True,
            library=library_a,
            email="lma@post.example",
            valid_until=date(2031, 1, 31),
        )
    )
    body = call_api(client, service_token.plain, email="lma@post.example").json()["borrower"]
    assert body["kind"] == "lma" and body["adult"] is False
    assert body["valid_until"] == "2031-01-31"
    assert body["library"] == {"name": "Bibliotek A", "main_library": "Bibliotek A"}


def test_protected_identity_has_no_library(client, protected_borrower, service_token):
    body = call_api(client, service_token.plain, email=protected_borrower.email).json()
    assert body["ok"] is True and body["borrower"]["library"] is None


def test_unknown_email_and_wrong_password_get_the_same_refusal(client, borrower, service_token):
    wrong = call_api(client, service_token.plain, password="fel")
    unknown = call_api(client, service_token.plain, email="ingen@post.example", password="fel")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.content == unknown.content
    assert wrong.json() == {"ok": False, "reason": "invalid_credentials"}


def test_no_password(client, library_a, service_token):
    BorrowerFactory(library=library_a, email="ny@post.example")
    response = call_api(client, service_token.plain, email="ny@post.example", password="x")
    assert response.json() == {"ok": False, "reason": "no_password"}


def test_expired_the_day_after_the_validity(client, borrower, service_token):
    borrower.valid_until = date(2030, 5, 31)
    borrower.save()
    with time_machine.travel("2030-05-31 23:59 +02:00", tick=False):
        assert call_api(client, service_token.plain).json()["ok"] is True
    with time_machine.travel("2030-06-01 00:01 +02:00", tick=False):
        assert call_api(client, service_token.plain).json() == {"ok": False, "reason": "expired"}
        # Without the right password, nothing about the account is told.
        wrong = call_api(client, service_token.plain, password="fel").json()
        assert wrong == {"ok": False, "reason": "invalid_credentials"}


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "lena@post.example"}, {"password": PASSWORD}, {"email": 1, "password": 2}],
)
def test_incomplete_requests(client, borrower, service_token, body):
    response = client.post(
        API,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {service_token.plain}",
    )
    assert response.status_code == 400 and response.json() == {"error": "bad_request"}


def test_malformed_json(client, service_token):
    response = client.post(
        API,
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {service_token.plain}",
    )
    assert response.status_code == 400


def _raw(client, token, body: bytes | str, content_type="application/json", **extra):
    return client.generic(
        "POST", API, body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}", **extra
    )


@pytest.mark.parametrize(
    ("opening", "times"), [("[", 100_000), ('{"a":', 40_000), ('[{"a":', 30_000)]
)
def test_deeply_nested_json_is_a_json_400_not_a_500(client, service_token, opening, times):
    # Python's parser recurses once per level: without the bound, a RecursionError.
    response = _raw(client, service_token.plain, opening * times)
    assert response.status_code == 400 and response.json() == {"error": "bad_request"}


def test_nesting_inside_strings_does_not_count(client, borrower, service_token):
    body = json.dumps({"email": "lena@post.example", "password": PASSWORD, "x": "[[[[[[[[{{{{"})
    assert _raw(client, service_token.plain, body).json()["ok"] is True


def test_a_nested_but_shallow_body_is_only_a_bad_request(client, service_token):
    response = _raw(client, service_token.plain, '{"email": {"a": [[1]]}, "password": "x"}')
    assert response.status_code == 400 and response.json() == {"error": "bad_request"}


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_3_mb_body_is_a_json_413(client, borrower, service_token, content_type):
    response = _raw(client, service_token.plain, b"a" * 3_000_000, content_type=content_type)
    assert response.status_code == 413 and response.json() == {"error": "too_large"}


def test_a_body_over_djangos_limit_despite_a_small_content_length_is_refused(
    client, service_token, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10  # Django's own check, behind ours
    response = _raw(client, service_token.plain, json.dumps({"email": "a@b.se", "password": "x"}))
    assert response.status_code == 413 and response.json() == {"error": "too_large"}


def test_too_many_form_fields_is_a_json_400(client, service_token, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    body = "&".join(f"f{n}=1" for n in range(10))
    response = _raw(client, service_token.plain, body, "application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.json() == {"error": "bad_request"}


def test_failures_per_email_are_rate_limited(client, borrower, service_token, library_a):
    for _ in range(3):
        assert call_api(client, service_token.plain, password="fel").status_code == 200
    limited = call_api(client, service_token.plain)  # even with the right password
    assert limited.status_code == 429 and limited.json() == {"error": "rate_limited"}
    assert int(limited["Retry-After"]) == 15 * 60
    other = with_password(BorrowerFactory(library=library_a, email="annan@post.example"))
    assert call_api(client, service_token.plain, email=other.email).json()["ok"] is True


def test_rate_limit_lifts_after_the_cool_off(client, borrower, service_token):
    with time_machine.travel("2030-03-01 09:00 +01:00", tick=False) as clock:
        for _ in range(3):
            call_api(client, service_token.plain, password="fel")
        assert call_api(client, service_token.plain).status_code == 429
        clock.shift(timedelta(minutes=16))
        assert call_api(client, service_token.plain).json()["ok"] is True


def test_failures_per_token_are_rate_limited(client, borrower, service_token, settings):
    settings.LOGIN_CHECK_TOKEN_FAILURE_LIMIT = 4
    for number in range(4):
        call_api(client, service_token.plain, email=f"gissning{number}@post.example")
    assert call_api(client, service_token.plain).status_code == 429
    other = ServiceToken(name="Annan tjänst")
    plain = other.generate()
    other.save()
    assert call_api(client, plain).json()["ok"] is True


def test_a_leaked_token_gets_the_documented_1000_guesses_and_no_more(
    client, borrower, service_token
):
    # No LOGIN_CHECK_TOKEN_FAILURE_LIMIT set: the documented default (docs/api.md), 1000, holds.
    source = throttle.source_key(throttle.api_source(service_token.pk))
    LoginFailure.objects.bulk_create(
        LoginFailure(channel=throttle.Channel.API, account=f"gissning{n}", source=source)
        for n in range(999)
    )
    guess = call_api(client, service_token.plain, email="gissning@post.example")
    assert guess.status_code != 429  # the thousandth guess is still checked…
    assert call_api(client, service_token.plain).status_code == 429  # …then none


def test_every_call_is_audited_without_password_or_email(client, borrower, service_token):
    call_api(client, service_token.plain)
    call_api(client, service_token.plain, password="fel-lösenord")
    call_api(client, service_token.plain, email="ingen@post.example", password="hemligt")
    events = list(AuditEvent.objects.filter(action=Action.AUTHENTICATED).order_by("pk"))
    outcomes = [e.detail["outcome"] for e in events]
    assert outcomes == ["ok", "invalid_credentials", "invalid_credentials"]
    assert events[0].borrower_code == events[1].borrower_code == borrower.code
    assert events[2].borrower_code is None
    assert events[2].detail["email_hash"] == keyed_hash("ingen@post.example")
    assert {e.detail["service"] for e in events} == {"Legimus"}
    dumped = json.dumps([e.detail for e in events])
    for secret in (PASSWORD, "fel-lösenord", "hemligt", "ingen@post.example", borrower.email):
        assert secret not in dumped


def test_rate_limited_calls_are_audited(client, borrower, service_token):
    for _ in range(4):
        call_api(client, service_token.plain, password="fel")
    assert AuditEvent.objects.filter(detail__outcome="rate_limited").count() == 1


def test_a_nul_in_the_email_or_password_is_a_wrong_login_not_an_error(client, service_token):
    for email, password in (("lena\x00@post.example", PASSWORD), ("lena@post.example", "\x00")):
        response = call_api(client, service_token.plain, email=email, password=password)
        assert response.status_code == 200
        assert response.json() == {"ok": False, "reason": "invalid_credentials"}
