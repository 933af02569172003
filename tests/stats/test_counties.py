"""Statistik with a region's library (a county, no municipality): its borrowers count
in its county and in the total; the municipality table gives it a line of its own
and makes up no municipality. Sigels name the libraries in the rankings."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from libraries.models import County, Municipality
from tests.factories import BorrowerFactory, LibraryFactory, StaffFactory
from tests.stats.test_national import read_csv, row


@pytest.fixture
def mtm_client(client, db):
    user = StaffFactory(email="mats@mtm.example", library=None, role="", is_staff=True)
    user.groups.add(Group.objects.get(name="MTM-personal"))
    client.force_login(user)
    return client


def csv_of(client, slug):
    return read_csv(client.get(reverse("admin:stats_dailysnapshot_csv", args=[slug])))


def test_a_regions_library_counts_in_its_county_and_invents_no_municipality(mtm_client):
    jamtland = County.objects.get(name="Jämtlands län")
    region = LibraryFactory(
        name="Sjukhusbiblioteken i Jämtlands län", sigel="Jsjh", municipality=None, county=jamtland
    )
    ostersund = LibraryFactory(
        name="Östersunds bibliotek",
        sigel="Ost",
        municipality=Municipality.objects.get(name="Östersund"),
    )
    BorrowerFactory.create_batch(4, library=region)
    BorrowerFactory.create_batch(2, library=ostersund)

    counties = csv_of(mtm_client, "lan")
    assert row(counties, "Jämtlands län")[1] == "6"
    assert row(counties, "Totalt (utan skyddade identiteter)")[1] == "6"

    municipalities = csv_of(mtm_client, "kommuner")
    assert row(municipalities, "Östersund (Jämtlands län)")[1] == "2"
    assert row(municipalities, "Ingen kommun (Jämtlands län)")[1] == "4"
    assert row(municipalities, "Totalt (utan skyddade identiteter)")[1] == "6"

    ranking = csv_of(mtm_client, "flest-lantagare")
    assert ranking[0][:5] == ["Plats", "Bibliotek", "Sigel", "Län", "Kommun"]
    assert ranking[1][:5] == ["1", region.name, "Jsjh", "Jämtlands län", ""]
    assert ranking[2][:5] == ["2", ostersund.name, "Ost", "Jämtlands län", "Östersund"]
    html = mtm_client.get(reverse("admin:stats_dailysnapshot_changelist")).content.decode()
    assert "Ingen kommun (Jämtlands län)" in html and "Jsjh" in html
