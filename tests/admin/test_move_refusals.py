"""Flytta till bibliotek when the borrower changed after the page was loaded: the model's
refusal reaches MTM as a message on the borrower's page, never as a server error."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from borrowers.admin import BorrowerAdmin
from borrowers.models import Borrower
from transfers.models import TransferRequest


@pytest.fixture
def loaded_before(monkeypatch):
    """The admin works on `stale`, the borrower as read before someone else's change."""

    def load(stale):
        monkeypatch.setattr(BorrowerAdmin, "get_object", lambda *args, **kwargs: stale)

    return load


def post_move(client, borrower, library):
    url = reverse("admin:borrowers_borrower_move", args=[borrower.pk])
    return client.post(url, {"library": library.pk})


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_borrower_protected_meanwhile_is_not_moved(
    mtm_client, mtm_user, borrower_a, library_c, loaded_before
):
    loaded_before(Borrower.objects.get(pk=borrower_a.pk))
    borrower_a.protect(by=mtm_user)

    response = post_move(mtm_client, borrower_a, library_c)

    change_url = reverse("admin:borrowers_borrower_change", args=[borrower_a.pk])
    assert (response.status_code, response["Location"]) == (302, change_url)
    assert said(response) == ["Det här kontot kan inte flyttas. Kontakta MTM."]
    borrower_a.refresh_from_db()
    assert borrower_a.library is None
    assert not TransferRequest.objects.exists()


def test_a_borrower_moved_there_meanwhile_is_not_moved_twice(
    mtm_client, mtm_user, borrower_a, library_c, loaded_before
):
    loaded_before(Borrower.objects.get(pk=borrower_a.pk))
    TransferRequest.move_by_mtm(borrower_a, to_library=library_c, by=mtm_user)

    response = post_move(mtm_client, borrower_a, library_c)

    assert response.status_code == 302
    assert said(response) == ["Låntagaren tillhör redan det biblioteket."]
    assert TransferRequest.objects.count() == 1
