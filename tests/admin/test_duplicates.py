"""MTM's *Möjliga dubbletter*: pairs across the country with the same normalised
names and birth date; merge them (test_merge.py) or mark them *inte samma person*."""

import pytest
from django.urls import reverse

from borrowers import duplicates
from borrowers.models import Borrower, NotDuplicate
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.django_db


def count_pairs() -> int:
    return len(duplicates.country_pairs(groups=1000).pairs)


URL = reverse("admin:borrowers_borrower_duplicates")
#: Reserved personnummer of two people born on 1945-06-17 (and a third that day).
SAME_DAY = ["194506177031", "194506177064", "194506177551"]


@pytest.fixture
def pair(library_a, library_b):
    first = BorrowerFactory(
        library=library_a, identifier=SAME_DAY[0], first_name="Åke", last_name="Öberg"
    )
    second = BorrowerFactory(
        library=library_b, identifier=SAME_DAY[1], first_name="ake", last_name="OBERG"
    )
    return first, second


def test_pairs_across_libraries_are_listed_with_both_libraries(
    superuser_client, pair, library_a, library_b
):
    BorrowerFactory(
        library=library_a, identifier="199001012385", first_name="Åke", last_name="Öberg"
    )
    response = superuser_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert library_a.name in page and library_b.name in page
    assert [(p.first, p.second) for p in response.context["page"].pairs] == [pair]


def test_names_without_a_match_and_lma_accounts_are_not_pairs(pair, library_a):
    BorrowerFactory(library=library_a, identifier=SAME_DAY[2], first_name="Åke", last_name="Berg")
    BorrowerFactory(library=library_a, lma=True, first_name="Åke", last_name="Öberg")
    BorrowerFactory(protected=True, identifier="199001012385")
    assert count_pairs() == 1


def test_three_alike_give_three_pairs(pair, library_a):
    BorrowerFactory(library=library_a, identifier=SAME_DAY[2], first_name="Åke", last_name="Öberg")
    assert count_pairs() == 3


@pytest.mark.parametrize(("first_name", "last_name"), [("Åke", ""), ("", "Öberg")])
def test_one_name_is_enough_for_a_pair(
    superuser_client, library_a, library_b, first_name, last_name
):
    # MTM's form allows an account with a single name; two of them born the same day are alike.
    alike = [
        BorrowerFactory(library=lib, identifier=n, first_name=first_name, last_name=last_name)
        for lib, n in ((library_a, SAME_DAY[0]), (library_b, SAME_DAY[1]))
    ]
    response = superuser_client.get(URL)
    assert [(p.first, p.second) for p in response.context["page"].pairs] == [tuple(alike)]
    assert (first_name or last_name) in response.content.decode()


def test_pages_follow_the_groups_in_key_order(superuser_client, library_a, library_b):
    # Two groups of look-alikes: "anna|ek" (1945-06-17) before "bo|ek" (1944-01-21).
    anna = [
        BorrowerFactory(library=lib, identifier=n, first_name="Anna", last_name="Ek")
        for lib, n in ((library_a, SAME_DAY[0]), (library_b, SAME_DAY[1]))
    ]
    bo = [
        BorrowerFactory(library=lib, identifier=n, first_name="Bo", last_name="Ek")
        for lib, n in ((library_a, "194401216496"), (library_b, "194401216595"))
    ]
    first = duplicates.country_pairs(groups=1)
    assert [(p.first, p.second) for p in first.pairs] == [tuple(anna)]
    assert first.next_after == anna[0].pk
    second = duplicates.country_pairs(after=first.next_after, groups=1)
    assert [(p.first, p.second) for p in second.pairs] == [tuple(bo)]
    assert second.next_after is None
    page = superuser_client.get(URL, {"efter": first.next_after}).content.decode()
    assert "Bo Ek" in page and "Anna Ek" not in page


def test_not_the_same_person_hides_the_pair_for_good(mtm_client, mtm_user, pair):
    first, second = pair
    response = mtm_client.post(
        URL, {"first": second.pk, "second": first.pk, "decision": "not_same"}
    )
    assert response.status_code == 302
    marked = NotDuplicate.objects.get()
    assert (marked.first, marked.second, marked.marked_by) == (first, second, mtm_user)
    assert count_pairs() == 0
    assert "Inga möjliga dubbletter" in mtm_client.get(URL).content.decode()
    # Twice is once.
    mtm_client.post(URL, {"first": first.pk, "second": second.pk, "decision": "not_same"})
    assert NotDuplicate.objects.count() == 1


def test_mtm_staff_get_a_merge_link_per_pair_and_no_deletion(mtm_client, pair):
    first, second = pair
    page = mtm_client.get(URL).content.decode()
    assert reverse("admin:borrowers_borrower_merge", args=[first.pk, second.pk]) in page
    assert "Behåll konto 1" not in page and "Inte samma person" in page
    data = {"first": first.pk, "second": second.pk, "decision": "keep_first", "confirmed": "on"}
    mtm_client.post(URL, data)
    assert Borrower.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


def test_a_pair_that_changed_meanwhile_is_refused(superuser_client, pair, library_a):
    first, second = pair
    second.update_details(by=None, first_name="Anna")
    other = BorrowerFactory(library=library_a)
    for a, b in ((first, second), (first, other), (first, first)):
        data = {"first": a.pk, "second": b.pk, "decision": "not_same"}
        response = superuser_client.post(URL, data, follow=True)
        assert "Paret har ändrats" in response.content.decode()
    assert Borrower.objects.filter(pk__in=[first.pk, second.pk, other.pk]).count() == 3


def test_registrars_cannot_open_it(registrar_client):
    response = registrar_client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_borrower_list_links_to_it(superuser_client):
    page = superuser_client.get(reverse("admin:borrowers_borrower_changelist")).content.decode()
    assert f'href="{URL}"' in page
