"""MTM's read-only list of transfer requests."""

from django.urls import reverse

from transfers.models import TransferRequest


def test_mtm_lists_filters_and_searches_requests_but_cannot_change_them(
    client, mtm_staff, transfer
):
    client.force_login(mtm_staff)
    changelist = reverse("admin:transfers_transferrequest_changelist")
    html = client.get(changelist).content.decode()
    assert "Anna Andersson" in html and "Bibliotek B" in html
    assert client.get(changelist, {"status__exact": "pending"}).status_code == 200
    assert "Anna Andersson" in client.get(changelist, {"q": "Bibliotek B"}).content.decode()
    assert "Anna Andersson" not in client.get(changelist, {"q": "Bibliotek C"}).content.decode()
    assert client.get(reverse("admin:transfers_transferrequest_add")).status_code == 403
    delete = reverse("admin:transfers_transferrequest_delete", args=[transfer.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert TransferRequest.objects.filter(pk=transfer.pk).exists()
    change = reverse("admin:transfers_transferrequest_change", args=[transfer.pk])
    assert client.get(change).status_code == 200  # view only
