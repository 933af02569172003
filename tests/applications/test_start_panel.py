"""The head administrator's start page: the account applications naming their
library, read-only (MTM decides)."""

from django.urls import reverse

from accounts.models import Role
from applications.models import AccountApplication
from tests.factories import StaffFactory

START = reverse("portal:start")


def make(library, email, **fields):
    return AccountApplication.objects.create(
        first_name="Sökande",
        last_name=email.split("@")[0],
        email=email,
        phone="1",
        library=library,
        role=Role.REGISTRAR,
        works_at_library=True,
        course_taken=True,
        **fields,
    )


def test_a_head_administrator_sees_pending_applications_for_their_library_and_branches(
    client, head_admin, library_a, branch_a, library_b, django_assert_max_num_queries
):
    at_main = make(library_a, "ett@a.example")
    at_branch = make(branch_a, "tva@a.example")
    make(library_b, "tre@b.example")  # another library's
    make(library_a, "fyra@a.example", status="rejected")  # decided
    client.force_login(head_admin)
    with django_assert_max_num_queries(14):
        response = client.get(START)
    page = response.content.decode()
    assert list(response.context["pending_applications"]) == [at_main, at_branch]
    assert "Kontoansökningar som väntar på MTM" in page
    assert "ett@a.example" in page and "tva@a.example" in page and branch_a.name in page
    assert "tre@b.example" not in page and "fyra@a.example" not in page
    # Read-only: no form, no decision on the start page.
    panel = page[page.index("Kontoansökningar som väntar på MTM") :]
    assert "<form" not in panel.split("</table>")[0]


def test_the_panel_says_so_when_nothing_is_waiting(client, head_admin):
    client.force_login(head_admin)
    assert "Inga kontoansökningar för ditt bibliotek väntar." in client.get(START).content.decode()


def test_a_registrar_sees_no_applications(client, registrar, library_a):
    make(library_a, "ett@a.example")
    client.force_login(registrar)
    response = client.get(START)
    assert list(response.context["pending_applications"]) == []
    assert "Kontoansökningar som väntar på MTM" not in response.content.decode()


def test_another_librarys_head_administrator_sees_none_of_them(client, library_a, library_b):
    make(library_a, "ett@a.example")
    head_b = StaffFactory(email="hb@b.example", library=library_b, role=Role.HEAD_ADMIN)
    client.force_login(head_b)
    assert list(client.get(START).context["pending_applications"]) == []
