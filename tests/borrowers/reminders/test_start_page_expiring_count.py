"""The start page's "Accounts that expire within 14 days" counts the library's own."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_counts_only_the_librarys_non_protected_borrowers_expiring_within_14_days(
    registrar_client, ends_in, branch_a, library_b
):
    ends_in(0)  # ends today: still valid, counts
    ends_in(14)  # the last day of the window
    ends_in(5, library=branch_a)  # a branch of the registrar's library
    ends_in(15)  # too far ahead
    ends_in(-1)  # already expired
    ends_in(3, library=library_b)  # another library
    ends_in(3, protected=True)  # protected identities are in no library's counts

    response = registrar_client.get(reverse("portal:start"))

    assert response.context["expiring_count"] == 3
