"""Likely duplicates on the create forms: a warning about a borrower of one's own
library with the same names and birth date (or the same names on an LMA account),
passed by a second *Spara*; never a word about other libraries' borrowers."""

import pytest

from borrowers.models import Borrower, name_key
from tests.factories import BorrowerFactory

from .conftest import ADULT_2, MINOR, MINOR_2, create_url, valid_data

pytestmark = pytest.mark.django_db

WARNING = "Ditt bibliotek har redan en låntagare med samma namn och födelsedatum"
#: Two reserved personnummer of people born the same day (1945-06-17).
NEW = "194506177031"
SAME_DAY = "194506177064"


def adult(**overrides) -> dict:
    return valid_data("adult", identifier=NEW, **overrides)


def page(response) -> str:
    return response.content.decode()


def test_the_key_ignores_case_accents_hyphens_and_spacing():
    assert (
        name_key("Åsa-Maria ", "  ÖSTLÖF") == name_key("asa maria", "Ostlof") == "asa maria|ostlof"
    )
    assert name_key("", "") == ""
    assert name_key("Anna", "Berg") != name_key("Anna", "Bergh")


def test_the_key_follows_every_save(borrower_a, registrar):
    borrower_a.update_details(by=registrar, first_name="Éva", last_name="Öst")
    borrower_a.refresh_from_db()
    assert borrower_a.name_key == "eva|ost"


@pytest.fixture
def nora_here(library_a):
    return BorrowerFactory(
        library=library_a, identifier=SAME_DAY, first_name="NORA", last_name="Ný"
    )


def test_same_names_and_birth_date_at_ones_library_warn_and_keep_everything(
    registrar_client, nora_here
):
    response = registrar_client.post(create_url("adult"), adult())

    assert response.status_code == 200
    form = response.context["form"]
    assert form.duplicates == [nora_here]
    html = page(response)
    assert WARNING in html
    assert f'href="/lantagare/{nora_here.code}/"' in html
    assert f'name="duplicate_seen" value="{nora_here.code}"' in html
    assert 'value="nora.ny@post.example"' in html, "nothing typed is lost"
    assert not Borrower.objects.filter(identifier=NEW).exists()


def test_a_second_save_goes_on(registrar_client, nora_here):
    data = adult(duplicate_seen=str(nora_here.code))
    response = registrar_client.post(create_url("adult"), data)
    assert response.status_code == 302
    assert Borrower.objects.filter(identifier=NEW).exists()


def test_a_seen_list_without_this_borrower_warns_again(registrar_client, nora_here, borrower_a):
    data = adult(duplicate_seen=str(borrower_a.code))
    response = registrar_client.post(create_url("adult"), data)
    assert response.context["form"].duplicates == [nora_here]


def test_a_branch_counts_as_ones_own_library(registrar_client, branch_a):
    BorrowerFactory(library=branch_a, identifier=SAME_DAY, first_name="Nora", last_name="Ny")
    response = registrar_client.post(create_url("adult"), adult(library=branch_a.main_library.pk))
    assert WARNING in page(response)


def test_another_librarys_borrower_is_never_mentioned(registrar_client, library_b):
    other = BorrowerFactory(
        library=library_b, identifier=SAME_DAY, first_name="Nora", last_name="Ny"
    )
    response = registrar_client.post(create_url("adult"), adult())
    assert response.status_code == 302
    assert str(other.code) not in page(response)


def test_a_protected_identity_is_never_mentioned(registrar_client):
    BorrowerFactory(protected=True, identifier=SAME_DAY)
    assert registrar_client.post(create_url("adult"), adult()).status_code == 302


def test_same_names_on_an_lma_account_warn(registrar_client, library_a):
    lma = BorrowerFactory(library=library_a, lma=True, first_name="Nora", last_name="Ny")
    response = registrar_client.post(create_url("adult"), adult())
    assert response.context["form"].duplicates == [lma]


def test_an_lma_form_warns_about_the_same_names(registrar_client, library_a):
    same = BorrowerFactory(library=library_a, identifier=ADULT_2, first_name="Nora", last_name="Ny")
    response = registrar_client.post(create_url("lma_adult"), valid_data("lma_adult"))
    assert response.context["form"].duplicates == [same]


def test_other_birth_dates_or_names_do_not_warn(registrar_client, library_a):
    BorrowerFactory(library=library_a, identifier=ADULT_2, first_name="Nora", last_name="Ny")
    BorrowerFactory(library=library_a, identifier=SAME_DAY, first_name="Nora", last_name="Nyberg")
    assert registrar_client.post(create_url("adult"), adult()).status_code == 302


def test_the_minor_form_warns_too(registrar_client, library_a):
    BorrowerFactory(
        library=library_a, identifier=MINOR, first_name="Nora", last_name="Ny", minor=True
    )
    response = registrar_client.post(create_url("minor"), valid_data("minor", identifier=MINOR_2))
    # MINOR_2 is born a day later: no warning; the same day would warn.
    assert response.status_code == 302


def test_other_errors_come_first(registrar_client, nora_here):
    response = registrar_client.post(create_url("adult"), adult(agreement=None))
    assert response.context["form"].duplicates == []
    assert WARNING not in page(response)
