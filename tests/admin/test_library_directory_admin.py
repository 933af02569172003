"""MTM finds and edits libraries by sigel in the admin, and sees the last sync
with Biblioteksdatabasen."""

from django.contrib.admin.templatetags.admin_list import result_headers
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from libraries.models import County, DirectorySync, Library, Municipality
from tests.factories import LibraryFactory

CHANGELIST = reverse("admin:libraries_library_changelist")
ADD = reverse("admin:libraries_library_add")


def form_data(**changes):
    data = {
        "sigel": "",
        "name": "Nytt bibliotek",
        "library_type": "folkbibliotek",
        "county": "",
        "municipality": Municipality.objects.get(name="Vallentuna").pk,
        "active": "on",
        "country": "Sverige",
        "branches-TOTAL_FORMS": "0",
        "branches-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_the_list_shows_sigel_name_type_county_municipality_and_active(mtm_client, db):
    LibraryFactory(name="Vallentuna bibliotek", sigel="Vall")
    LibraryFactory(
        name="Sjukhusbiblioteken i Jämtlands län",
        sigel="Jsjh",
        municipality=None,
        county=County.objects.get(name="Jämtlands län"),
    )
    response = mtm_client.get(CHANGELIST)
    html = response.content.decode()
    headings = [capfirst(h["text"]) for h in result_headers(response.context["cl"])]
    assert headings[:6] == ["Sigel", "Namn", "Bibliotekstyp", "Län", "Kommun", "Aktiv"]
    assert "Jsjh" in html and "Jämtlands län" in html


def test_the_search_finds_a_library_by_its_sigel(mtm_client, db):
    vallentuna = LibraryFactory(name="Vallentuna bibliotek", sigel="Vall")
    LibraryFactory(name="Annat bibliotek", sigel="Vallx")
    response = mtm_client.get(CHANGELIST, {"q": "vall"})
    assert list(response.context["cl"].result_list) == [vallentuna]


def test_a_sigel_taken_in_another_letter_case_is_refused_next_to_the_field(mtm_client, db):
    LibraryFactory(sigel="Vall")
    response = mtm_client.post(ADD, form_data(sigel=" vALL "))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["sigel"] == [
        "Ett annat bibliotek har redan den här sigeln."
    ]
    assert not Library.objects.filter(name="Nytt bibliotek").exists()
    response = mtm_client.post(ADD, form_data(sigel="Vall2"))
    assert response.status_code == 302
    created = Library.objects.get(sigel="Vall2")
    assert created.county.name == "Stockholms län"  # from the municipality


def test_a_regions_library_has_a_county_and_no_municipality(mtm_client, db):
    jamtland = County.objects.get(name="Jämtlands län")
    response = mtm_client.post(
        ADD, form_data(name="Sjukhusbiblioteken", county=jamtland.pk, municipality="")
    )
    assert response.status_code == 302
    region = Library.objects.get(name="Sjukhusbiblioteken")
    assert region.county == jamtland and region.municipality is None


def test_the_municipality_must_be_in_the_county(mtm_client, db):
    response = mtm_client.post(ADD, form_data(county=County.objects.get(name="Jämtlands län").pk))
    assert response.context["adminform"].form.errors["municipality"] == [
        "Kommunen måste ligga i bibliotekets län."
    ]
    response = mtm_client.post(ADD, form_data(municipality=""))
    assert "Välj länet, eller kommunen som biblioteket ligger i." in response.content.decode()


def test_the_list_shows_the_last_sync_and_a_failed_one_says_why(mtm_client, db):
    html = mtm_client.get(CHANGELIST).content.decode()
    assert "Biblioteken har ännu inte synkats med Biblioteksdatabasen" in html
    now = timezone.now()
    DirectorySync.objects.create(
        started_at=now,
        finished_at=now,
        source="https://bibdb.example",
        ok=True,
        summary="Nya: 2 · Ändrade: 1 · Oförändrade: 5 · Saknas i katalogen: 0 · Fel: 0",
    )
    html = mtm_client.get(CHANGELIST).content.decode()
    assert "Nya: 2 · Ändrade: 1 · Oförändrade: 5" in html
    DirectorySync.objects.create(
        started_at=now + timezone.timedelta(minutes=1),
        finished_at=now,
        source="https://bibdb.example",
        error="Biblioteksdatabasen svarade 503",
    )
    html = mtm_client.get(CHANGELIST).content.decode()
    assert "Den misslyckades och ändrade ingenting:" in html and "svarade 503" in html
