"""Numbers, dates and a valid form for the registration tests.

Every identity number is one of Skatteverket's reserved test numbers
(tests/data); LMA numbers have no reserved range, so 99-0000xx are used.
"""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from borrowers.models import Service

#: "Today" in these tests, so that ages and validity limits do not drift.
TODAY = date(2026, 3, 16)

ADULT = "198501139995"  # born 1985-01-13
ADULT_2 = "199001012385"
MINOR = "201501012395"  # born 2015-01-01
MINOR_2 = "201501022386"
TURNS_18 = "200806032389"  # born 2008-06-03: 18 on 2026-06-03
SAMORDNINGSNUMMER = "195002612389"  # born 1950-02-01 (day + 60)
MINOR_SAMORDNINGSNUMMER = "201002682399"  # born 2010-02-08
LMA = "99000011"
LMA_2 = "99000012"

URLS = {
    "adult": "borrowers:create_adult",
    "minor": "borrowers:create_minor",
    "lma_adult": "borrowers:create_lma_adult",
    "lma_minor": "borrowers:create_lma_minor",
}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(date(2026, 3, 16), tick=False):
        yield TODAY


@pytest.fixture
def published(db):
    return list(Service.objects.filter(published=True))


@pytest.fixture
def unpublished(db):
    return Service.objects.create(name="Gammal grupp", published=False)


def valid_data(kind: str, **overrides) -> dict:
    data = {
        "first_name": "Nora",
        "last_name": "Ny",
        "email": "nora.ny@post.example",
        "send_credentials": "on",
        "agreement": "on",
    }
    if kind == "adult":
        data |= {"identifier": "19850113-9995"}
    elif kind == "minor":
        data |= {"identifier": "20150101-2395", "guardian_birth_date": "1980-05-17"}
    elif kind == "lma_adult":
        data |= {"identifier": "99-000011", "valid_until": "2026-09-30"}
    elif kind == "lma_minor":
        data |= {
            "identifier": "99-000011",
            "valid_until": "2026-09-30",
            "guardian_birth_date": "1980-05-17",
            "guardian_name": "Vera Vårdnadshavare",
        }
    data |= overrides
    return {key: value for key, value in data.items() if value is not None}


def create_url(kind: str) -> str:
    return reverse(URLS[kind])
