"""MTM's statistics in the admin: the whole country per county, municipality and
library type, the rankings, CSV and the publication export."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from libraries.models import LibraryType, Municipality
from tests.factories import BorrowerFactory, LibraryFactory, StaffFactory

URL = reverse("admin:stats_dailysnapshot_changelist")


@pytest.fixture
def mtm_client(client, db):
    user = StaffFactory(email="mats@mtm.example", library=None, role="", is_staff=True)
    user.groups.add(Group.objects.get(name="MTM-personal"))
    client.force_login(user)
    return client


@pytest.fixture
def country(db):
    """Two libraries in Gotland, one school library in Sundbyberg."""
    gotland = Municipality.objects.get(name="Gotland")
    sundbyberg = Municipality.objects.get(name="Sundbyberg")
    visby = LibraryFactory(name="Visby bibliotek", municipality=gotland)
    slite = LibraryFactory(name="Slite bibliotek", municipality=gotland)
    school = LibraryFactory(
        name="Skolbiblioteket", municipality=sundbyberg, library_type=LibraryType.SCHOOL
    )
    BorrowerFactory.create_batch(6, library=visby)
    BorrowerFactory.create_batch(2, library=slite, minor=True)
    BorrowerFactory.create_batch(3, library=school)
    BorrowerFactory.create_batch(2, protected=True)
    return visby, slite, school


def read_csv(response):
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def row(rows, name):
    return next(r for r in rows if r[0] == name)


def test_mtm_staff_see_the_country_per_county(mtm_client, country):
    response = mtm_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Låntagare per län",
        "Gotlands län",
        "Stockholms län",
        "Låntagare per kommun",
        "Låntagare per bibliotekstyp",
        "Skolbibliotek",
        "Bibliotek med flest låntagare",
        "Skyddade identiteter",
        "Diagram per månad",
    ]:
        assert text in html, text


def test_the_csv_per_county_has_the_same_numbers(mtm_client, country):
    rows = read_csv(mtm_client.get(reverse("admin:stats_dailysnapshot_csv", args=["lan"])))
    assert rows[0][:3] == ["Län", "Samtliga låntagare", "Vuxna låntagare"]
    assert row(rows, "Gotlands län")[1:4] == ["8", "6", "2"]
    assert row(rows, "Stockholms län")[1] == "3"
    # Protected identities: in no county and not in the total, but a line of their own.
    assert row(rows, "Totalt (utan skyddade identiteter)")[1] == "11"
    protected = read_csv(
        mtm_client.get(reverse("admin:stats_dailysnapshot_csv", args=["skyddad-identitet"]))
    )
    assert protected[1][:2] == ["Skyddad identitet", "2"]


def test_per_library_type_and_rankings(mtm_client, country):
    types = read_csv(
        mtm_client.get(reverse("admin:stats_dailysnapshot_csv", args=["bibliotekstyper"]))
    )
    assert row(types, "Skolbibliotek")[1] == "3"
    ranking = read_csv(
        mtm_client.get(reverse("admin:stats_dailysnapshot_csv", args=["flest-lantagare"]))
    )
    assert ranking[1][:2] == ["1", "Visby bibliotek"] and ranking[1][-1] == "6"
    assert ranking[2][1] == "Skolbiblioteket"


def test_the_publication_export_hides_counts_under_5(mtm_client, country):
    url = reverse("admin:stats_dailysnapshot_publication", args=["kommuner"])
    rows = read_csv(mtm_client.get(url))
    gotland = row(rows, "Gotland (Gotlands län)")
    assert gotland[1] == "8" and gotland[3] == "färre än 5"  # 2 under 18
    assert row(rows, "Sundbyberg (Stockholms län)")[1] == "färre än 5"
    assert read_csv(mtm_client.get(reverse("admin:stats_dailysnapshot_publication", args=["lan"])))
    # Only the tables per county and municipality are for publication.
    url = reverse("admin:stats_dailysnapshot_publication", args=["flest-lantagare"])
    assert mtm_client.get(url).status_code == 404


def test_the_national_charts_are_svg_images_with_a_text_alternative(mtm_client, country):
    from tests.stats.test_library_page import charts_of

    charts = charts_of(mtm_client.get(URL).content.decode())
    assert len(charts) == 5 and all("<script" not in svg for svg, _alt in charts)


def test_a_wrong_range_is_explained(mtm_client):
    html = mtm_client.get(URL, {"fran": "2026-02-30", "till": "2026-03-01"}).content.decode()
    assert 'id="error-summary"' in html and 'href="#id_fran"' in html
    assert 'value="2026-02-30"' in html


def test_staff_without_the_right_and_registrars_get_nothing(client, registrar, db):
    plain = StaffFactory(email="ny@mtm.example", library=None, role="", is_staff=True)
    client.force_login(plain)
    assert client.get(URL).status_code == 403
    client.force_login(registrar)
    assert client.get(URL).status_code == 302  # to the login page: no admin for registrars


def test_query_count_is_bounded(mtm_client, country, django_assert_max_num_queries):
    for _ in range(5):
        LibraryFactory()
    with django_assert_max_num_queries(20):
        response = mtm_client.get(URL)
    assert response.status_code == 200


def test_the_page_reads_the_nights_snapshot_where_it_exists(mtm_client, country):
    from django.core.management import call_command
    from django.utils import timezone

    from stats.counting import SNAPSHOT_FIGURES
    from stats.reports import NATIONAL_FIGURES

    assert {key for key, _label in NATIONAL_FIGURES} == set(SNAPSHOT_FIGURES.values())
    visby = country[0]
    visby.borrowers.update(created_at=timezone.now() - timedelta(days=2))
    call_command("snapshot_statistics", stdout=io.StringIO())
    html = mtm_client.get(URL).content.decode()
    assert "ögonblicksbild" in html
    rows = read_csv(mtm_client.get(reverse("admin:stats_dailysnapshot_csv", args=["lan"])))
    # The snapshot counts those registered before today: Visby's six.
    assert row(rows, "Gotlands län")[1] == "6"
