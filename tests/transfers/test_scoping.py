"""Every transfer URL, walked by a registrar of the uninvolved library C: all 404.
And every URL by a förmedlare: no access."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from transfers.pull import SESSION_KEY


def transfer_urls(transfer, borrower, library):
    samples = {
        "incoming": [],
        "incoming_detail": [transfer.code],
        "cancel": [transfer.code],
        "outgoing": [borrower.code],
        "library_search": [borrower.code],
        "confirm": [borrower.code, library.pk],
        "pull": [borrower.code],
    }
    resolver = get_resolver()
    names = {
        pattern.name
        for pattern in resolver.url_patterns[
            [getattr(p, "namespace", None) for p in resolver.url_patterns].index("transfers")
        ].url_patterns
        if isinstance(pattern, URLPattern)
    }
    assert names == set(samples), "a new transfer URL needs a sample here"
    return {name: reverse(f"transfers:{name}", args=args) for name, args in samples.items()}


def test_an_uninvolved_registrar_gets_404_everywhere_except_their_own_empty_list(
    client_c, transfer, borrower_a, library_b
):
    for name, url in transfer_urls(transfer, borrower_a, library_b).items():
        if name == "incoming":
            assert "Anna" not in client_c.get(url).content.decode()
            continue
        # Withdrawing is POST only: GET answers 405 to everyone, revealing nothing.
        assert client_c.get(url).status_code == (405 if name == "cancel" else 404), name
        assert client_c.post(url, {"decision": "accept"}).status_code == 404, name
    transfer.refresh_from_db()
    assert transfer.is_pending


def test_the_receiving_registrar_cannot_use_the_senders_pages(client_b, transfer, borrower_a):
    urls = transfer_urls(transfer, borrower_a, borrower_a.library)
    for name in ["outgoing", "library_search", "cancel"]:
        assert client_b.post(urls[name]).status_code == 404, name


def test_the_sending_registrar_cannot_decide_their_own_request(client_a, transfer):
    url = reverse("transfers:incoming_detail", args=[transfer.code])
    assert client_a.get(url).status_code == 404
    assert client_a.post(url, {"decision": "accept"}).status_code == 404
    transfer.refresh_from_db()
    assert transfer.is_pending


@pytest.mark.parametrize("role", ["mediator", "mtm_staff"])
def test_staff_without_registrar_rights_have_no_access(
    request, client, transfer, borrower_a, library_b, role
):
    client.force_login(request.getfixturevalue(role))
    session = client.session
    session[SESSION_KEY] = {str(borrower_a.code): "/"}
    session.save()
    for name, url in transfer_urls(transfer, borrower_a, library_b).items():
        assert client.get(url).status_code == 403, name
        assert client.post(url).status_code == 403, name


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, transfer, borrower_a, library_b):
    for name, url in transfer_urls(transfer, borrower_a, library_b).items():
        response = client.get(url)
        assert response.status_code == 302 and "/konto/logga-in/" in response.url, name
