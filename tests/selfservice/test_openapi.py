"""The login check against its OpenAPI document: every answer described, and a
property-based run (schemathesis) in which no answer strays from it."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, missing_required_header

from config.wsgi import application
from selfservice.models import ServiceToken
from tests.factories import BorrowerFactory

from .conftest import PASSWORD, with_password

schema = schemathesis.openapi.from_wsgi(reverse("api:openapi"), application)


def test_the_document_is_served_and_has_every_answer_of_the_login_check(client, db):
    document = client.get(reverse("api:openapi")).json()
    assert document["openapi"].startswith("3.1")
    operation = document["paths"]["/api/v1/authenticate"]["post"]
    assert set(operation["responses"]) == {"200", "400", "401", "405", "413", "429"}
    reasons = operation["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"][1]
    assert set(reasons["properties"]["reason"]["enum"]) == {
        "invalid_credentials",
        "expired",
        "no_password",
    }


@pytest.fixture
def keep_connection():
    """Schemathesis calls the WSGI application itself, whose request signals would
    close the test's database connection (Django's test client detaches them too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, keep_connection):
    with_password(BorrowerFactory(email="lena@post.example"), PASSWORD)
    service = ServiceToken(name="Legimus")
    plain = service.generate()
    service.save()
    return plain


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_login_check_answers_as_its_document_says(case, token):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    # The token goes on every call, the checks' own replays without it too; the
    # refusals without a valid token are told in test_api.py.
    case.call_and_validate(excluded_checks=[ignored_auth, missing_required_header])
