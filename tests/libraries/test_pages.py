from django.urls import reverse

from accounts.models import Role
from libraries.counties import load_counties
from libraries.models import County, Municipality
from tests.factories import LibraryFactory, StaffFactory


def test_all_counties_and_municipalities_are_loaded(db):
    assert County.objects.count() == 21
    assert Municipality.objects.count() == 290
    assert Municipality.objects.get(code="0183").name == "Sundbyberg"
    assert Municipality.objects.get(name="Sundbyberg").county.name == "Stockholms län"


def test_the_county_list_is_loaded_again_unchanged(db):
    # What a test that empties the database (and the migration) calls.
    before = sorted(
        Municipality.objects.values_list("code", "name", "county__code", "county__name")
    )
    Municipality.objects.all().delete()
    County.objects.all().delete()
    load_counties()
    load_counties()  # a second run changes nothing
    after = sorted(Municipality.objects.values_list("code", "name", "county__code", "county__name"))
    assert after == before
    assert County.objects.count() == 21


def test_start_page_shows_the_library_and_role(registrar_client, registrar):
    html = registrar_client.get(reverse("portal:start")).content.decode()
    assert f"<h1>{registrar.library.name}</h1>" in html
    assert "registrerare" in html


def test_navigation_has_the_handbooks_tabs_and_marks_the_current_page(registrar_client):
    html = registrar_client.get(reverse("libraries:my_library")).content.decode()
    for text in ["Startsida", "Mitt bibliotek", "Mina uppgifter", "Logga ut"]:
        assert f">{text}<" in html
    assert f'href="{reverse("libraries:my_library")}" aria-current="page"' in html


def test_my_library_shows_the_library_details(registrar_client, library_a):
    library_a.street_address = "Sveavägen 73"
    library_a.save()
    html = registrar_client.get(reverse("libraries:my_library")).content.decode()
    for label in ["Bibliotekstyp", "Län", "Kommun", "Talboksansvarig", "Gatuadress", "Webbadress"]:
        assert f">{label}<" in html
    assert "Folkbibliotek" in html and "Stockholms län" in html and "Sveavägen 73" in html


def test_branches_lists_only_the_libraries_own_branches(registrar_client, branch_a, library_b):
    LibraryFactory(name="Annans filial", parent=library_b)
    html = registrar_client.get(reverse("libraries:branches")).content.decode()
    assert branch_a.name in html and "Annans filial" not in html


def test_a_branch_of_another_library_is_not_found(registrar_client, library_b):
    other_branch = LibraryFactory(parent=library_b)
    response = registrar_client.get(reverse("libraries:branch", args=[other_branch.pk]))
    assert response.status_code == 404


def test_head_admin_sees_only_their_own_librarys_registrars(
    client, head_admin, registrar, registrar_b, library_a
):
    StaffFactory(email="gammal@a.example", library=library_a, is_active=False)
    client.force_login(head_admin)
    html = client.get(reverse("libraries:registrars")).content.decode()
    assert registrar.email in html
    assert registrar_b.email not in html and "gammal@a.example" not in html


def test_head_admin_lists_each_role_separately(client, head_admin, registrar, mediator):
    client.force_login(head_admin)
    mediators = client.get(reverse("libraries:mediators")).content.decode()
    assert mediator.email in mediators and registrar.email not in mediators
    heads = client.get(reverse("libraries:head_admins")).content.decode()
    assert head_admin.email in heads and mediator.email not in heads


def test_staff_lists_are_for_head_administrators(registrar_client):
    assert registrar_client.get(reverse("libraries:registrars")).status_code == 403
    menu = registrar_client.get(reverse("libraries:my_library")).content.decode()
    assert "Visa registrerare" not in menu


def test_head_admin_menu_offers_the_staff_lists(client, head_admin):
    client.force_login(head_admin)
    menu = client.get(reverse("libraries:my_library")).content.decode()
    for text in [
        "Visa huvudadministratörer",
        "Visa registrerare",
        "Visa förmedlare",
        "Visa filialer",
    ]:
        assert text in menu


def test_a_librarys_staff_belong_to_the_main_library(db, library_a, branch_a):
    person = StaffFactory(library=library_a, role=Role.REGISTRAR)
    assert list(type(person).objects.at_library(branch_a)) == [person]


def test_my_library_shows_the_sigel(registrar_client, library_a):
    html = registrar_client.get(reverse("libraries:my_library")).content.decode()
    assert f"<dt>Sigel</dt><dd>{library_a.sigel}</dd>" in html
