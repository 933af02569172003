"""Fixtures for finding and managing borrowers, on top of the cast in tests/conftest.py."""

import pytest

from borrowers.models import Service
from tests.factories import BorrowerFactory

#: A samordningsnummer and the personnummer of the same birth date (Skatteverket's test numbers).
SAMORDNINGSNUMMER = "193001612385"
SAME_PERSONS_PERSONNUMMER = "193001016595"
OTHER_PERSONNUMMER = "193107257713"


@pytest.fixture
def head_admin_client(client, head_admin):
    client.force_login(head_admin)
    return client


@pytest.fixture
def samordningsnummer_borrower(library_a):
    return BorrowerFactory(
        library=library_a,
        samordningsnummer=True,
        identifier=SAMORDNINGSNUMMER,
        first_name="Sam",
        last_name="Samordnad",
    )


@pytest.fixture
def lma_borrower(library_a):
    return BorrowerFactory(
        library=library_a, lma=True, identifier="12345678", first_name="Lina", last_name="Lma"
    )


@pytest.fixture
def services(db):
    return {service.name: service for service in Service.objects.all()}
