"""Byt bibliotek on Mina sidor: the borrower asks another library to take them over."""

from django.core import mail
from django.urls import reverse

from audit.models import Action, AuditEvent
from tests.factories import BorrowerFactory, LibraryFactory
from transfers.models import Status, TransferRequest

TRANSFER = reverse("selfservice:transfer")


def confirm_url(library):
    return reverse("selfservice:transfer_confirm", args=[library.pk])


def test_library_search_shows_type_county_and_municipality(borrower_client, library_b):
    LibraryFactory(name="Bibliotek Stängt", active=False)
    response = borrower_client.get(TRANSFER, {"q": "bibliotek"})
    html = response.content.decode()
    assert "Bibliotek B" in html
    assert "Folkbibliotek" in html and "Stockholms län" in html and "Stockholm" in html
    assert "Bibliotek Stängt" not in html  # inactive libraries take no one
    names = [library.name for library in response.context["page"]]
    assert "Bibliotek A" not in names  # the borrower's own library
    assert confirm_url(library_b) in html
    assert ">Välj detta bibliotek<" in html


def test_an_empty_search_asks_for_a_name(borrower_client):
    response = borrower_client.get(TRANSFER, {"q": "  "})
    assert response.context["form"].errors["q"]


def test_confirming_makes_a_pending_request_as_if_the_library_had(
    borrower_client, borrower, library_b, registrar_b
):
    page = borrower_client.get(confirm_url(library_b)).content.decode()
    assert "Bibliotek A" in page and "Bibliotek B" in page and ">Bekräfta</button>" in page
    assert not TransferRequest.objects.exists()

    response = borrower_client.post(confirm_url(library_b))
    assert response.status_code == 302 and response.url == TRANSFER
    transfer = TransferRequest.objects.get()
    assert transfer.status == Status.PENDING
    assert transfer.borrower == borrower
    assert transfer.from_library.name == "Bibliotek A" and transfer.to_library == library_b
    assert transfer.requested_by is None
    borrower.refresh_from_db()
    assert borrower.library.name == "Bibliotek A"  # stays until Bibliotek B decides
    # The same mail as when a library asks.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [borrower.email]
    event = AuditEvent.objects.get(action=Action.TRANSFER_REQUESTED)
    assert event.actor is None and event.borrower_code == borrower.code

    # The receiving library sees it among its requests.
    from django.test import Client

    staff = Client()
    staff.force_login(registrar_b)
    incoming = staff.get(reverse("transfers:incoming")).content.decode()
    assert "Läsare" in incoming

    # The borrower sees the pending request instead of the search.
    html = borrower_client.get(TRANSFER).content.decode()
    assert "Bibliotek B" in html and "Återkalla ansökan" in html and 'name="q"' not in html


def test_a_second_request_is_refused_while_one_is_pending(
    borrower_client, borrower, library_b, library_c
):
    borrower_client.post(confirm_url(library_b))
    response = borrower_client.post(confirm_url(library_c), follow=True)
    assert "Du har redan ansökt om att flytta" in response.content.decode()
    assert TransferRequest.objects.count() == 1


def test_the_own_library_cannot_be_chosen(borrower_client, borrower):
    assert borrower_client.get(confirm_url(borrower.library)).status_code == 404


def test_an_inactive_library_cannot_be_chosen(borrower_client):
    closed = LibraryFactory(active=False)
    assert borrower_client.post(confirm_url(closed)).status_code == 404
    assert not TransferRequest.objects.exists()


def test_the_borrower_withdraws_the_request(borrower_client, borrower, library_b):
    borrower_client.post(confirm_url(library_b))
    transfer = TransferRequest.objects.get()
    withdraw = reverse("selfservice:transfer_withdraw", args=[transfer.code])
    assert borrower_client.get(withdraw).status_code == 405
    response = borrower_client.post(withdraw, follow=True)
    assert "återkallad" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == Status.CANCELLED and transfer.decided_by is None
    assert AuditEvent.objects.filter(
        action=Action.TRANSFER_CANCELLED, borrower_code=borrower.code
    ).exists()
    # …and may ask again.
    assert 'name="q"' in borrower_client.get(TRANSFER).content.decode()


def test_a_borrower_cannot_withdraw_someone_elses_request(borrower_client, library_b, library_c):
    other = BorrowerFactory(library=library_c)
    transfer = TransferRequest.request(other, to_library=library_b, by=None)
    response = borrower_client.post(reverse("selfservice:transfer_withdraw", args=[transfer.code]))
    assert response.status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == Status.PENDING


def test_withdrawing_an_already_decided_request_says_so(
    borrower_client, borrower, library_b, registrar_b
):
    borrower_client.post(confirm_url(library_b))
    transfer = TransferRequest.objects.get()
    transfer.reject(by=registrar_b)
    response = borrower_client.post(
        reverse("selfservice:transfer_withdraw", args=[transfer.code]), follow=True
    )
    assert "redan behandlad" in response.content.decode()


def test_library_search_runs_a_bounded_number_of_queries(
    borrower_client, django_assert_max_num_queries
):
    for number in range(30):
        LibraryFactory(name=f"Sökbibliotek {number:02d}")
    with django_assert_max_num_queries(10):
        response = borrower_client.get(TRANSFER, {"q": "sökbibliotek"})
    assert len(response.context["page"]) == 20


def test_details_page_runs_a_bounded_number_of_queries(
    borrower_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = borrower_client.get(reverse("selfservice:details"))
    assert response.status_code == 200
