"""Byt bibliotek from the borrower's library: the page, the library search, Bekräfta,
and withdrawing (Återkalla flyttansökan)."""

from django.urls import reverse

from audit.models import Action, AuditEvent
from tests.factories import LibraryFactory
from transfers.models import Status, TransferRequest


def test_the_page_shows_name_current_library_and_the_search_link(client_a, borrower_a):
    html = client_a.get(reverse("transfers:outgoing", args=[borrower_a.code])).content.decode()
    assert "<h1>Byt bibliotek</h1>" in html
    assert "Anna Andersson" in html and "Bibliotek A" in html
    assert "Nuvarande bibliotek" in html
    search = reverse("transfers:library_search", args=[borrower_a.code])
    assert f'<a href="{search}">gå till bibliotekssökning</a>' in html


def test_the_borrower_menu_item_leads_to_the_page(client_a, borrower_a):
    html = client_a.get(reverse("borrowers:detail", args=[borrower_a.code])).content.decode()
    assert f'href="{reverse("transfers:outgoing", args=[borrower_a.code])}"' in html
    assert ">Byt bibliotek</a>" in html


def test_the_search_finds_libraries_by_part_of_the_name_with_type_county_and_municipality(
    client_a, borrower_a, library_b
):
    sundbyberg = LibraryFactory(name="Sundbybergs bibliotek")
    url = reverse("transfers:library_search", args=[borrower_a.code])
    html = client_a.get(url, {"q": "  sundbyberg "}).content.decode()
    assert "Sundbybergs bibliotek" in html and library_b.name not in html
    for text in ["Bibliotekstyp", "Folkbibliotek", "Län", "Stockholms län", "Kommun"]:
        assert text in html
    confirm = reverse("transfers:confirm", args=[borrower_a.code, sundbyberg.pk])
    assert f'action="{confirm}"' in html and "Välj detta bibliotek" in html


def test_the_search_leaves_out_inactive_libraries_and_the_borrowers_own(
    client_a, borrower_a, library_b
):
    LibraryFactory(name="Bibliotek Stängt", active=False)
    url = reverse("transfers:library_search", args=[borrower_a.code])
    response = client_a.get(url, {"q": "Bibliotek"})
    names = [library.name for library in response.context["page"]]
    assert names == ["Bibliotek B"]


def test_an_empty_search_says_what_to_type(client_a, borrower_a):
    url = reverse("transfers:library_search", args=[borrower_a.code])
    html = client_a.get(url, {"q": "   "}).content.decode()
    assert "<title>Fel: " in html
    assert "Skriv hela eller en del av bibliotekets namn." in html


def test_the_search_page_has_a_bounded_number_of_queries(
    client_a, borrower_a, django_assert_max_num_queries
):
    for n in range(30):
        LibraryFactory(name=f"Sökbibliotek {n:02d}")
    url = reverse("transfers:library_search", args=[borrower_a.code])
    with django_assert_max_num_queries(12):
        response = client_a.get(url, {"q": "Sökbibliotek"})
    assert len(response.context["page"]) == 20


def test_confirm_shows_the_choice_and_makes_nothing_until_bekrafta(client_a, borrower_a, library_b):
    url = reverse("transfers:confirm", args=[borrower_a.code, library_b.pk])
    html = client_a.get(url).content.decode()
    assert "Bibliotek B" in html and ">Bekräfta</button>" in html
    assert not TransferRequest.objects.exists()


def test_bekrafta_makes_the_request_and_the_borrower_is_told(
    client_a, borrower_a, library_b, registrar, mailoutbox
):
    url = reverse("transfers:confirm", args=[borrower_a.code, library_b.pk])
    response = client_a.post(url, follow=True)
    transfer = TransferRequest.objects.get()
    assert transfer.to_library == library_b and transfer.requested_by == registrar
    assert response.redirect_chain[0][0] == reverse("borrowers:detail", args=[borrower_a.code])
    assert "Flyttansökan till Bibliotek B är gjord" in response.content.decode()
    assert [m.to for m in mailoutbox] == [[borrower_a.email]]


def test_confirm_for_the_borrowers_own_or_an_inactive_library_is_not_found(
    client_a, borrower_a, library_a
):
    closed = LibraryFactory(active=False)
    for library in (library_a, closed):
        url = reverse("transfers:confirm", args=[borrower_a.code, library.pk])
        assert client_a.get(url).status_code == 404
        assert client_a.post(url).status_code == 404
    assert not TransferRequest.objects.exists()


def test_a_second_request_is_refused_with_a_message(client_a, transfer, borrower_a, library_c):
    url = reverse("transfers:confirm", args=[borrower_a.code, library_c.pk])
    response = client_a.post(url, follow=True)
    assert response.status_code == 200
    assert "Det finns redan en flyttansökan" in response.content.decode()
    assert TransferRequest.objects.count() == 1


def test_while_pending_the_page_shows_the_request_and_the_withdraw_button(
    client_a, transfer, borrower_a
):
    html = client_a.get(reverse("transfers:outgoing", args=[borrower_a.code])).content.decode()
    assert "Bibliotek B" in html
    assert f'action="{reverse("transfers:cancel", args=[transfer.code])}"' in html
    assert "Återkalla flyttansökan" in html
    assert "gå till bibliotekssökning" not in html
    # and the search redirects back here rather than offer a second request
    search = client_a.get(reverse("transfers:library_search", args=[borrower_a.code]))
    assert search.status_code == 302


def test_withdrawing_cancels_the_request(client_a, transfer, borrower_a, registrar):
    response = client_a.post(reverse("transfers:cancel", args=[transfer.code]), follow=True)
    transfer.refresh_from_db()
    assert transfer.status == Status.CANCELLED and transfer.decided_by == registrar
    assert "har återkallats" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.TRANSFER_CANCELLED).count() == 1


def test_withdrawing_an_already_handled_request_says_so(client_a, transfer, registrar):
    transfer.reject(by=None)
    response = client_a.post(reverse("transfers:cancel", args=[transfer.code]), follow=True)
    assert response.status_code == 200
    assert "redan behandlats" in response.content.decode()
    assert TransferRequest.objects.get().status == Status.REJECTED


def test_withdrawing_after_the_move_says_it_was_handled(client_a, transfer, registrar_b):
    transfer.accept(by=registrar_b)
    response = client_a.post(reverse("transfers:cancel", args=[transfer.code]), follow=True)
    assert response.status_code == 200
    assert "redan behandlats" in response.content.decode()


def test_withdrawing_needs_post(client_a, transfer):
    assert client_a.get(reverse("transfers:cancel", args=[transfer.code])).status_code == 405


def test_the_borrower_page_shows_a_pending_request_in_the_menu(client_a, transfer, borrower_a):
    html = client_a.get(reverse("borrowers:detail", args=[borrower_a.code])).content.decode()
    assert "Flyttansökan till Bibliotek B väntar" in html


def test_the_search_finds_a_library_by_its_sigel_in_any_letter_case(client_a, borrower_a):
    hospital = LibraryFactory(name="Sjukhusbiblioteken i Jämtlands län", sigel="Jsjh")
    LibraryFactory(name="Jsjh-vägens bibliotek i namnet", sigel="Annan")  # a name match too
    url = reverse("transfers:library_search", args=[borrower_a.code])
    response = client_a.get(url, {"q": " jSJH "})
    names = [library.name for library in response.context["page"]]
    assert names == ["Jsjh-vägens bibliotek i namnet", hospital.name]
    html = response.content.decode()
    assert "<dt>Sigel</dt><dd>Jsjh</dd>" in html
    # Part of a sigel is no match: a sigel is a code, not a name.
    assert [lib.sigel for lib in client_a.get(url, {"q": "Jsj"}).context["page"]] == ["Annan"]


def test_a_regions_library_shows_its_county_and_no_municipality(client_a, borrower_a):
    from libraries.models import County

    region = LibraryFactory(
        name="Sjukhusbiblioteken i Jämtlands län",
        sigel="Jsjh",
        municipality=None,
        county=County.objects.get(name="Jämtlands län"),
    )
    html = client_a.get(
        reverse("transfers:library_search", args=[borrower_a.code]), {"q": "Jsjh"}
    ).content.decode()
    assert "<dt>Län</dt><dd>Jämtlands län</dd>" in html
    assert "<dt>Kommun</dt><dd>Ingen (hela länet)</dd>" in html
    confirm = client_a.get(reverse("transfers:confirm", args=[borrower_a.code, region.pk]))
    assert "Ingen (hela länet)" in confirm.content.decode()
