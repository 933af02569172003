"""Scoping lives on querysets: the libraries a staff member may choose, requests
addressed to or sent from their library, borrowers who have a library."""

import ast
from pathlib import Path

import pytest

from borrowers.models import Borrower
from libraries.models import Library
from tests.factories import BorrowerFactory, LibraryFactory, StaffFactory
from transfers.models import TransferRequest

ROOT = Path(__file__).resolve().parents[2]


def test_the_libraries_a_registrar_may_choose(registrar, library_a, branch_a, library_b):
    closed = LibraryFactory(name="Stängd filial", parent=library_a, active=False)
    branch_b = LibraryFactory(name="B:s filial", parent=library_b)
    choosable = list(Library.objects.choosable_by(registrar))
    assert choosable == [library_a, branch_a]  # the main library first
    # A borrower still at a closed branch keeps it as a choice.
    assert closed in Library.objects.choosable_by(registrar, keep=closed.pk)
    assert closed in Library.objects.choosable_by(registrar, keep=closed)
    assert branch_b not in Library.objects.choosable_by(registrar, keep=None)


def test_a_branch_registrar_chooses_among_the_main_librarys_libraries(library_a, branch_a):
    at_branch = StaffFactory(library=branch_a)
    assert list(Library.objects.choosable_by(at_branch)) == [library_a, branch_a]


def test_mtm_staff_have_no_library_to_choose(mtm_staff, library_a):
    assert not Library.objects.choosable_by(mtm_staff).exists()


@pytest.fixture
def requests(library_a, branch_a, library_b, registrar):
    to_branch = TransferRequest.objects.create(
        borrower=BorrowerFactory(library=library_b),
        from_library=library_b,
        to_library=branch_a,
        requested_by=None,
    )
    from_a = TransferRequest.objects.create(
        borrower=BorrowerFactory(library=library_a),
        from_library=library_a,
        to_library=library_b,
        requested_by=registrar,
    )
    return to_branch, from_a


def test_requests_addressed_to_and_sent_from_a_staff_members_libraries(
    requests, registrar, registrar_b, mtm_staff
):
    to_branch, from_a = requests
    assert list(TransferRequest.objects.addressed_to(registrar)) == [to_branch]
    assert list(TransferRequest.objects.sent_from(registrar)) == [from_a]
    assert list(TransferRequest.objects.addressed_to(registrar_b)) == [from_a]
    assert list(TransferRequest.objects.sent_from(registrar_b)) == [to_branch]
    for queryset in (TransferRequest.objects.addressed_to, TransferRequest.objects.sent_from):
        assert not queryset(mtm_staff).exists()


def test_has_a_library_is_spelled_once_on_the_model_and_the_queryset(library_a):
    BorrowerFactory(library=library_a)
    BorrowerFactory(protected=True)
    with_library = set(Borrower.objects.with_library().values_list("pk", flat=True))
    assert with_library == {b.pk for b in Borrower.objects.all() if b.has_library}
    assert len(with_library) == 1


VIEW_FILES = [
    "borrowers/views/common.py",
    "borrowers/views/manage.py",
    "borrowers/views/register.py",
    "libraries/views.py",
    "portal/views.py",
    "transfers/views.py",
    "selfservice/views.py",
]


LOOKUPS = {"filter", "exclude", "get", "get_object_or_404"}
LIBRARY_FIELDS = {"library", "library_id", "to_library", "from_library", "parent", "parent_id"}


def _name(func) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


@pytest.mark.parametrize("path", VIEW_FILES)
def test_no_view_filters_by_library_itself(path):
    # Scoping is the querysets' (visible_to, choosable_by, addressed_to, ...): a view
    # that filtered by library itself would be a second home that can drift.
    tree = ast.parse((ROOT / path).read_text("utf-8"))
    suspicious = [
        f"{path}:{call.lineno}"
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and _name(call.func) in LOOKUPS
        for keyword in call.keywords
        if keyword.arg and keyword.arg.split("__")[0] in LIBRARY_FIELDS
    ]
    suspicious += [
        f"{path}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "with_branches"
    ]
    assert suspicious == []
