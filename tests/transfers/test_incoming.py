"""Ansökningar om biblioteksbyte at the receiving library: the list, Behandla ansökan,
Byt bibliotek / Neka byte, and the start page count."""

import pytest
import time_machine
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from audit.models import Action, AuditEvent
from borrowers.views.common import get_borrower
from tests.factories import BorrowerFactory, LibraryFactory, StaffFactory
from transfers.models import Status, TransferRequest


def test_the_side_menu_links_the_requests_page(client_b):
    html = client_b.get(reverse("libraries:my_library")).content.decode()
    assert "<h2>Flytta</h2>" in html
    assert f'href="{reverse("transfers:incoming")}"' in html
    html = client_b.get(reverse("transfers:incoming")).content.decode()
    assert (
        f'<a href="{reverse("transfers:incoming")}" aria-current="page">'
        "Ansökningar om biblioteksbyte</a>" in html
    )


def test_the_list_shows_pending_requests_to_the_library_and_its_branches(
    client_b, transfer, library_b, library_c
):
    branch_b = LibraryFactory(name="Filial B", parent=library_b)
    TransferRequest.request(
        BorrowerFactory(library=library_c, first_name="Carl", last_name="Ceder"),
        to_library=branch_b,
        by=None,
    )
    TransferRequest.request(
        BorrowerFactory(library=library_b, first_name="Bo", last_name="Bort"),
        to_library=library_c,
        by=None,
    )
    html = client_b.get(reverse("transfers:incoming")).content.decode()
    assert "Anna Andersson" in html and "Carl Ceder" in html and "Bo Bort" not in html
    assert "Filial B" in html
    assert f'href="{reverse("transfers:incoming_detail", args=[transfer.code])}"' in html
    assert transfer.borrower.display_identifier not in html  # the list needs no identifier


def test_the_list_is_empty_for_the_requesting_library(client_a, transfer):
    html = client_a.get(reverse("transfers:incoming")).content.decode()
    assert "Anna Andersson" not in html
    assert "Det finns inga obehandlade" in html


def test_the_list_has_a_bounded_number_of_queries(
    client_b, library_b, library_c, django_assert_max_num_queries
):
    for _ in range(30):
        TransferRequest.request(BorrowerFactory(library=library_c), to_library=library_b, by=None)
    with django_assert_max_num_queries(10):
        response = client_b.get(reverse("transfers:incoming"))
    assert len(response.context["page"]) == 25


def test_the_start_page_counts_unprocessed_requests_with_a_link(client_b, transfer):
    html = client_b.get(reverse("portal:start")).content.decode()
    assert "Obehandlade flyttansökningar" in html
    assert f'<a href="{reverse("transfers:incoming")}">1 ansökan' in html


def test_the_start_page_of_the_requesting_library_counts_none(client_a, transfer):
    html = client_a.get(reverse("portal:start")).content.decode()
    assert f'<a href="{reverse("transfers:incoming")}">0 ansökningar' in html


def test_behandla_ansokan_shows_the_handbooks_details(client_b, library_a, library_b):
    with time_machine.travel("2026-03-15 10:00 +01:00"):
        borrower = BorrowerFactory(
            library=library_a, first_name="Disa", last_name="Blom", email="disa@post.example"
        )
        transfer = TransferRequest.request(borrower, to_library=library_b, by=None)
    html = client_b.get(reverse("transfers:incoming_detail", args=[transfer.code])).content.decode()
    for text in [
        "Förnamn",
        "Disa",
        "Efternamn",
        "Blom",
        "<dt>Personnummer</dt>",
        borrower.display_identifier,
        "E-postadress",
        "disa@post.example",
        "Nuvarande bibliotek",
        "Bibliotek A",
        "Datum för ansökan",
        "2026-03-15",
        ">Byt bibliotek</button>",
        ">Neka byte</button>",
    ]:
        assert text in html, text


def test_the_identifier_label_follows_the_kind(client_b, library_a, library_b):
    for trait, label in [("samordningsnummer", "Samordningsnummer"), ("lma", "LMA-nummer")]:
        borrower = BorrowerFactory(library=library_a, **{trait: True})
        transfer = TransferRequest.request(borrower, to_library=library_b, by=None)
        url = reverse("transfers:incoming_detail", args=[transfer.code])
        html = client_b.get(url).content.decode()
        assert f"<dt>{label}</dt><dd>{borrower.display_identifier}</dd>" in html


def test_the_receiving_registrar_sees_the_borrower_only_through_the_request(
    client_b, transfer, registrar_b, borrower_a
):
    assert client_b.get(reverse("borrowers:detail", args=[borrower_a.code])).status_code == 404
    request = RequestFactory().get("/")
    request.user = registrar_b
    with pytest.raises(Http404):
        get_borrower(request, borrower_a.code)


def test_byt_bibliotek_moves_the_borrower_to_the_receiving_library(
    client_b, transfer, borrower_a, library_b, mailoutbox
):
    url = reverse("transfers:incoming_detail", args=[transfer.code])
    response = client_b.post(url, {"decision": "accept"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("transfers:incoming")
    assert "Anna Andersson har flyttats till Bibliotek B" in response.content.decode()
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_b
    assert client_b.get(reverse("borrowers:detail", args=[borrower_a.code])).status_code == 200
    assert mailoutbox[-1].to == [borrower_a.email]


def test_neka_byte_keeps_the_borrower(client_b, client_a, transfer, borrower_a, library_a):
    url = reverse("transfers:incoming_detail", args=[transfer.code])
    response = client_b.post(url, {"decision": "reject"}, follow=True)
    assert "har nekats" in response.content.decode()
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_a
    assert TransferRequest.objects.get().status == Status.REJECTED


def test_a_late_second_decision_is_told_it_was_already_handled(
    client_b, transfer, library_b, borrower_a
):
    colleague = StaffFactory(library=library_b)
    transfer.reject(by=colleague)
    url = reverse("transfers:incoming_detail", args=[transfer.code])
    response = client_b.post(url, {"decision": "accept"}, follow=True)
    assert response.status_code == 200
    assert "redan behandlats" in response.content.decode()
    borrower_a.refresh_from_db()
    assert borrower_a.library != library_b


def test_a_decided_request_shows_no_personal_data_any_more(client_b, transfer, registrar_b):
    transfer.reject(by=registrar_b)
    response = client_b.get(reverse("transfers:incoming_detail", args=[transfer.code]))
    assert response.status_code == 302
    html = client_b.get(response.url).content.decode()
    assert "redan behandlats" in html
    assert transfer.borrower.display_identifier not in html


def test_an_unknown_decision_changes_nothing(client_b, transfer):
    url = reverse("transfers:incoming_detail", args=[transfer.code])
    client_b.post(url, {"decision": "maybe"})
    assert TransferRequest.objects.get().is_pending


def test_viewing_a_request_is_audited(client_b, transfer, registrar_b):
    client_b.get(reverse("transfers:incoming_detail", args=[transfer.code]))
    event = AuditEvent.objects.get(action=Action.VIEWED)
    assert event.actor == registrar_b and event.borrower_code == transfer.borrower.code
