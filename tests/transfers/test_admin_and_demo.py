"""MTM's read-only list of transfer requests, and the demo requests."""

from django.core.management import call_command
from django.urls import reverse

from libraries.demo import seed_libraries, seed_staff
from libraries.models import Library
from tests.factories import BorrowerFactory
from transfers.demo import seed_transfers
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


def test_demo_requests_go_into_each_demo_main_library_once(db):
    libraries = seed_libraries()
    seed_staff(libraries)
    assert seed_transfers(libraries) == 0  # no borrowers yet: nothing to move, no error
    for library in libraries.values():
        BorrowerFactory(library=library)
    created = seed_transfers(libraries)
    mains = [lib for lib in libraries.values() if not lib.is_branch]
    assert created == len(mains)
    assert seed_transfers(libraries) == 0  # idempotent
    for library in mains:
        assert TransferRequest.objects.pending().filter(to_library=library).count() == 1


def test_seed_demo_gives_each_main_library_one_request_and_a_second_run_adds_none(db):
    call_command("seed_demo", verbosity=0)
    pending = set(TransferRequest.objects.pending().values_list("pk", "to_library"))
    mains = Library.objects.filter(parent__isnull=True)
    assert mains.exists()
    assert sorted(to for _, to in pending) == sorted(mains.values_list("pk", flat=True))
    call_command("seed_demo", verbosity=0)
    assert set(TransferRequest.objects.pending().values_list("pk", "to_library")) == pending
