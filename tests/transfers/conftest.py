"""The transfer cast: Anna (borrower_a) at library A asks to move to library B.
Rita (registrar, A) asks; Sune (registrar_b, B) decides; Cilla at library C is
the uninvolved outsider."""

import pytest
from django.test import Client

from tests.factories import StaffFactory
from transfers.models import TransferRequest


@pytest.fixture
def registrar_c(library_c):
    return StaffFactory(email="cilla@c.example", first_name="Cilla", library=library_c)


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_a(registrar):
    return _client_for(registrar)


@pytest.fixture
def client_b(registrar_b):
    return _client_for(registrar_b)


@pytest.fixture
def client_c(registrar_c):
    return _client_for(registrar_c)


@pytest.fixture
def transfer(borrower_a, library_b, registrar):
    """Anna's pending request from library A to library B, made by Rita."""
    return TransferRequest.request(borrower_a, to_library=library_b, by=registrar)
