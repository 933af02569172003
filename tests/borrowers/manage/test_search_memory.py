"""One helper remembers a search for paging, for the registrar's Sök användare and
MTM's admin alike: an identity-number search by the codes it found, never the number."""

import json

import pytest
from django.urls import reverse

from tests.factories import BorrowerFactory

NUMBER = "198501139995"


def registrar_search(client, text):
    response = client.post(reverse("borrowers:search"), {"q": text})
    return client.get(response.url)


def admin_search(client, text):
    response = client.post(
        reverse("admin:borrowers_borrower_changelist"), {"q": text, "_search": "Sök"}
    )
    return client.get(response["Location"])


def shown_codes(response):
    if "cl" in response.context:
        return [b.code for b in response.context["cl"].result_list]
    return [b.code for b in response.context["page"].object_list]


@pytest.fixture
def registrar_door(registrar_client):
    return registrar_client, registrar_search


@pytest.fixture
def admin_door(client, mtm_staff):
    client.force_login(mtm_staff)
    return client, admin_search


DOORS = ["registrar_door", "admin_door"]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("writing", ["19850113-9995", "850113-9995", "198501139995", "8501139995"])
def test_an_identity_number_search_is_remembered_by_codes_only(request, door, writing, library_a):
    client, search = request.getfixturevalue(door)
    borrower = BorrowerFactory(library=library_a, identifier=NUMBER)
    response = search(client, writing)
    assert shown_codes(response) == [borrower.code]
    session = json.dumps(dict(client.session.items()))
    # SECURITY: neither the number as typed nor its digits stay in the session.
    assert writing not in session and NUMBER[2:] not in session


@pytest.mark.parametrize("door", DOORS)
def test_a_name_search_is_remembered_by_its_text(request, door, library_a):
    client, search = request.getfixturevalue(door)
    borrower = BorrowerFactory(library=library_a, last_name="Blomqvist")
    response = search(client, "blomq")
    assert shown_codes(response) == [borrower.code]
    assert "blomq" in json.dumps(dict(client.session.items()))
