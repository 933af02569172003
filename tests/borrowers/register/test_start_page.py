"""The start page counts the library's borrowers (SPEC §3 start page)."""

from django.urls import reverse

from tests.factories import BorrowerFactory


def test_start_page_counts_main_library_and_branches_only(
    registrar_client, library_a, branch_a, library_b
):
    BorrowerFactory.create_batch(3, library=library_a)
    BorrowerFactory.create_batch(2, library=branch_a)
    BorrowerFactory(library=library_b)
    BorrowerFactory(protected=True)  # counted by no library
    response = registrar_client.get(reverse("portal:start"))
    assert response.context["borrower_count"] == 5
