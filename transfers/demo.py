"""Demo transfer requests (manage.py seed_demo): one pending request into each demo
main library, from a borrower of another library. Idempotent."""

from accounts.models import REGISTRAR_ROLES, StaffUser
from borrowers.models import Borrower
from libraries.models import Library

from .models import TransferRequest


def seed_transfers(libraries: dict[str, Library]) -> int:
    """Make sure each demo main library has a pending request to process. Returns
    how many were created (0 when there are no demo borrowers to move yet).

    The rows are written directly, without audit events or mail: nobody asked
    for these moves, and demo mail should not go anywhere.
    """
    created = 0
    mains = sorted((lib for lib in libraries.values() if not lib.is_branch), key=lambda lib: lib.pk)
    for library in mains:
        if TransferRequest.objects.pending().filter(to_library=library).exists():
            continue
        borrower = (
            Borrower.objects.with_library()
            .filter(library__in=libraries.values())
            .exclude(library__in=library.with_branches())
            .exclude(transfer_requests__status="pending")
            .select_related("library")
            .order_by("pk")
            .first()
        )
        if borrower is None:
            continue
        TransferRequest.objects.create(
            borrower=borrower,
            from_library=borrower.library,
            to_library=library,
            requested_by=StaffUser.objects.at_library(borrower.library)
            .filter(role__in=REGISTRAR_ROLES)
            .order_by("pk")
            .first(),
        )
        created += 1
    return created
