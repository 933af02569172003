"""Borrowers with passwords, a service token, and helpers for Mina sidor and the API."""

from datetime import timedelta

import pytest
from django.urls import reverse

from selfservice.models import ServiceToken
from tests.factories import BorrowerFactory

PASSWORD = "Sommarregn över taken"
LOGIN = reverse("selfservice:login")
API = reverse("api:authenticate")


def with_password(borrower, password=PASSWORD):
    borrower.set_password(password)
    borrower.save()
    return borrower


@pytest.fixture(autouse=True)
def _throttle_settings(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def borrower(library_a):
    return with_password(
        BorrowerFactory(
            library=library_a, first_name="Lena", last_name="Läsare", email="lena@post.example"
        )
    )


@pytest.fixture
def protected_borrower(db):
    return with_password(BorrowerFactory(protected=True, email="skyddad@post.example"))


def login(client, email="lena@post.example", password=PASSWORD, ip="10.0.0.1"):
    return client.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def borrower_client(client, borrower):
    response = login(client)
    assert response.status_code == 302, response.content.decode()
    return client


@pytest.fixture
def service_token(db):
    token = ServiceToken(name="Legimus")
    plain = token.generate()
    token.save()
    token.plain = plain
    return token


def call_api(client, token, *, email="lena@post.example", password=PASSWORD, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(
        API,
        {"email": email, "password": password},
        content_type="application/json",
        **headers,
        **extra,
    )
