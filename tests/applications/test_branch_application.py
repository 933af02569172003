"""Ansök om en filial: only a head administrator, for their own main library."""

from django.urls import reverse

from accounts.models import Role
from applications.models import BranchApplication
from libraries.models import Municipality
from tests.factories import LibraryFactory, StaffFactory

BRANCH = reverse("applications:branch")


def branch_data(**changes):
    data = {
        "name": "Östra filialen",
        "street_address": "Storgatan 1",
        "postal_code": "12345",
        "city": "Stockholm",
        "municipality": Municipality.objects.get(name="Solna").pk,
        "contact_name": "",
        "contact_email": "",
    }
    data.update(changes)
    return data


def test_the_branch_list_links_to_the_application_for_head_administrators(
    client, head_admin, registrar
):
    client.force_login(head_admin)
    assert f'href="{BRANCH}"' in client.get(reverse("libraries:branches")).content.decode()
    client.force_login(registrar)
    assert f'href="{BRANCH}"' not in client.get(reverse("libraries:branches")).content.decode()


def test_a_head_administrator_applies_for_a_branch_of_their_library(client, head_admin, library_a):
    client.force_login(head_admin)
    response = client.post(BRANCH, branch_data(contact_name="Tove", contact_email="tove@a.example"))
    assert response.status_code == 302 and response.url == BRANCH
    application = BranchApplication.objects.get()
    assert (application.library, application.applied_by) == (library_a, head_admin)
    assert application.postal_code == "123 45"
    assert application.municipality.name == "Solna"
    assert (application.contact_name, application.contact_email) == ("Tove", "tove@a.example")
    page = client.get(BRANCH)
    assert list(page.context["pending"]) == [application]
    assert "Din ansökan om Östra filialen har skickats till MTM." in page.content.decode()


def test_a_registrar_or_mediator_cannot_apply_for_a_branch(client, registrar, mediator):
    for user in (registrar, mediator):
        client.force_login(user)
        assert client.get(BRANCH).status_code == 403
        assert client.post(BRANCH, branch_data()).status_code == 403
    assert not BranchApplication.objects.exists()


def test_a_head_administrator_sees_only_their_own_librarys_branch_applications(
    client, head_admin, branch_application, library_b
):
    head_b = StaffFactory(email="hb@b.example", library=library_b, role=Role.HEAD_ADMIN)
    client.force_login(head_b)
    assert list(client.get(BRANCH).context["pending"]) == []
    client.force_login(head_admin)
    assert list(client.get(BRANCH).context["pending"]) == [branch_application]


def test_the_branch_form_explains_each_error(client, head_admin, branch_a):
    client.force_login(head_admin)
    response = client.post(
        BRANCH,
        branch_data(
            name=branch_a.name.upper(),
            street_address="",
            postal_code="12",
            city="",
            municipality="",
            contact_email="tove",
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    for message in (
        "Ditt bibliotek har redan en filial med det här namnet.",
        "Skriv filialens gatuadress.",
        "Skriv postnumret med fem siffror, till exempel 123 45.",
        "Skriv postorten.",
        "Välj den kommun som filialen ligger i.",
        "Skriv e-postadressen i formatet namn@exempel.se.",
    ):
        assert message in page
    assert "<title>Fel: " in page
    assert not BranchApplication.objects.exists()


def test_the_same_branch_cannot_be_applied_for_twice(client, head_admin, branch_application):
    client.force_login(head_admin)
    response = client.post(BRANCH, branch_data(name="bibliotek a – östra filialen"))
    assert "En ansökan om en filial med det här namnet väntar redan på MTM." in (
        response.content.decode()
    )
    assert BranchApplication.objects.count() == 1


def test_another_library_may_have_a_branch_of_the_same_name(client, head_admin, library_b):
    LibraryFactory(name="Östra filialen", parent=library_b)
    client.force_login(head_admin)
    assert client.post(BRANCH, branch_data()).status_code == 302
