"""The Visa lists: the right borrowers, counted, sorted by last name, paginated, bounded queries."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from audit.models import Action, AuditEvent
from borrowers.views import manage
from tests.factories import BorrowerFactory, LibraryFactory, StaffFactory

TODAY = date(2026, 3, 27)


def names(html):
    return re.findall(r'<th scope="row"><a href="/lantagare/[^"]+">([^<]+)</a>', html)


def show(client, slug, **params):
    response = client.get(reverse("borrowers:list", args=[slug]), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def kinds(library_a, branch_a):
    with time_machine.travel(TODAY, tick=False):
        return {
            "adult": BorrowerFactory(library=library_a, first_name="Vera", last_name="Vuxen"),
            "branch_adult": BorrowerFactory(
                library=branch_a, first_name="Filip", last_name="Filial"
            ),
            "minor": BorrowerFactory(
                library=library_a, minor=True, first_name="Mio", last_name="Minder"
            ),
            "branch_minor": BorrowerFactory(
                library=branch_a, minor=True, first_name="Ung", last_name="Ungfilial"
            ),
            "lma_adult": BorrowerFactory(
                library=library_a, lma=True, first_name="Lars", last_name="Lmavuxen"
            ),
            "lma_minor": BorrowerFactory(
                library=branch_a,
                lma=True,
                registered_as_minor=True,
                first_name="Lo",
                last_name="Lmaung",
            ),
        }


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("samtliga", ["Filial", "Lmaung", "Lmavuxen", "Minder", "Ungfilial", "Vuxen"]),
        ("huvudbiblioteket", ["Lmavuxen", "Minder", "Vuxen"]),
        ("vuxna", ["Filial", "Vuxen"]),
        ("huvudbiblioteket-vuxna", ["Vuxen"]),
        ("under-18", ["Minder", "Ungfilial"]),
        ("huvudbiblioteket-under-18", ["Minder"]),
        ("vuxna-lma", ["Lmavuxen"]),
        ("under-18-lma", ["Lmaung"]),
        ("alla-anvandare", ["Filial", "Lmaung", "Lmavuxen", "Minder", "Ungfilial", "Vuxen"]),
    ],
)
@time_machine.travel(TODAY, tick=False)
def test_each_list_shows_its_borrowers_sorted_by_last_name(
    registrar_client, kinds, borrower_b, slug, expected
):
    html = show(registrar_client, slug)
    assert [name.split(",")[0] for name in names(html)] == expected
    assert f"{len(expected)} låntagare" in re.search(r"<caption[^>]*>([^<]+)<", html)[1]


def test_an_unknown_list_is_not_found(registrar_client):
    assert registrar_client.get(reverse("borrowers:list", args=["okand"])).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_lists_show_number_email_library_and_validity_with_status(registrar_client, library_a):
    expired = BorrowerFactory(
        library=library_a, samordningsnummer=True, valid_until=TODAY - timedelta(days=1)
    )
    html = show(registrar_client, "samtliga")
    row = html[html.index(expired.display_identifier) - 300 :]
    assert expired.masked_identifier not in html  # the whole number, as SPEC §3 says
    assert expired.email in row and library_a.name in row
    assert "2026-03-26" in row and "Utgånget" in row


@time_machine.travel(TODAY, tick=False)
def test_the_expiring_list_holds_accounts_ending_within_14_days(registrar_client, library_a):
    BorrowerFactory(library=library_a, last_name="Snart", valid_until=TODAY + timedelta(days=14))
    BorrowerFactory(library=library_a, last_name="Idag", valid_until=TODAY)
    BorrowerFactory(library=library_a, last_name="Sedan", valid_until=TODAY + timedelta(days=15))
    BorrowerFactory(library=library_a, last_name="Redan", valid_until=TODAY - timedelta(days=1))
    assert [n.split(",")[0] for n in names(show(registrar_client, "gar-ut"))] == ["Idag", "Snart"]
    start = registrar_client.get(reverse("portal:start")).content.decode()
    assert f'href="{reverse("borrowers:list", args=["gar-ut"])}">2<' in start


def test_the_start_page_shows_no_link_when_nothing_expires(registrar_client):
    start = registrar_client.get(reverse("portal:start")).content.decode()
    assert reverse("borrowers:list", args=["gar-ut"]) not in start


def test_lists_are_paginated_with_the_current_page_marked(registrar_client, library_a, monkeypatch):
    monkeypatch.setattr(manage, "PAGE_SIZE", 2)
    for n in range(5):
        BorrowerFactory(library=library_a, last_name=f"Sida{n}")
    html = show(registrar_client, "samtliga", sida=2)
    assert [n.split(",")[0] for n in names(html)] == ["Sida2", "Sida3"]
    assert "5 låntagare, sida 2 av 3" in html
    assert '<nav aria-label="Sidnumrering"' in html
    assert 'href="?sida=2" aria-current="page"' in html


@pytest.mark.parametrize("page_size", [2, 3])
def test_paging_through_a_library_and_its_branches_shows_every_borrower_once_in_order(
    registrar_client, library_a, branch_a, monkeypatch, page_size
):
    """The pages of a main library with branches: on PostgreSQL the page is merged
    from each library's own ordered range (borrowers/paging.py). Same names in
    different libraries are told apart by their order of registration, on every page,
    in the first half and in the half that is counted from the end."""
    monkeypatch.setattr(manage, "PAGE_SIZE", page_size)
    second_branch = LibraryFactory(name="Bibliotek A – andra filialen", parent=library_a)
    libraries = [library_a, branch_a, second_branch]
    made = [
        BorrowerFactory(library=libraries[n % 3], last_name=last, first_name=first)
        for n, (last, first) in enumerate(
            [
                ("Öberg", "Ulla"),
                ("Andersson", "Bo"),
                ("Andersson", "Bo"),
                ("Berg", "Eva"),
                ("Andersson", "Anna"),
                ("Berg", "Eva"),
                ("Ceder", "Al"),
                ("Andersson", "Bo"),
                ("Dahl", "Ida"),
                ("Berg", "Ada"),
                ("Ek", "Per"),
            ]
        )
    ]
    expected = [
        f"{b.last_name}, {b.first_name}"
        for b in sorted(made, key=lambda b: (b.last_name, b.first_name, b.pk))
    ]
    codes = [str(b.code) for b in sorted(made, key=lambda b: (b.last_name, b.first_name, b.pk))]
    pages = -(-len(made) // page_size)
    shown, links = [], []
    for number in range(1, pages + 1):
        html = show(registrar_client, "samtliga", sida=number)
        shown += names(html)
        links += re.findall(r'<th scope="row"><a href="/lantagare/([^/]+)/">', html)
    assert shown == expected
    assert links == codes  # the tied names in their order of registration


def test_the_default_page_size_is_fifty():
    assert manage.PAGE_SIZE == 50


@pytest.mark.parametrize("page_size", [3, 12])
def test_a_list_page_takes_a_bounded_number_of_queries(
    registrar_client, library_a, branch_a, monkeypatch, django_assert_max_num_queries, page_size
):
    monkeypatch.setattr(manage, "PAGE_SIZE", page_size)
    for n in range(12):
        BorrowerFactory(library=library_a if n % 2 else branch_a, last_name=f"Fråga{n:02d}")
    with django_assert_max_num_queries(10):
        html = show(registrar_client, "samtliga")
    assert len(names(html)) == page_size


def test_listing_is_audited_with_the_count(registrar_client, borrower_a):
    show(registrar_client, "samtliga")
    event = AuditEvent.objects.get(action=Action.LISTED)
    assert event.detail == {"list": "samtliga", "count": 1, "page": 1}


def test_all_users_shows_staff_accounts_to_head_administrators_only(
    client, head_admin, registrar, borrower_a
):
    StaffFactory(
        library=registrar.library, first_name="Frans", last_name="Förmedlare", role="formedlare"
    )
    client.force_login(head_admin)
    html = show(client, "alla-anvandare")
    assert "Andersson, Anna" in html and "Frans Förmedlare" in html and "Personalkonton" in html
    client.force_login(registrar)
    html = show(client, "alla-anvandare")
    assert "Andersson, Anna" in html and "Frans Förmedlare" not in html
