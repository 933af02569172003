"""What every registrar view about borrowers shares."""

from django.shortcuts import get_object_or_404

from borrowers.models import Borrower


def borrowers_for(request):
    """The borrowers this registrar may see: the one door (see BorrowerQuerySet.visible_to)."""
    return Borrower.objects.visible_to(request.user)


def get_borrower(request, code) -> Borrower:
    """404 for anything outside the registrar's library, indistinguishable from
    a borrower that does not exist."""
    return get_object_or_404(borrowers_for(request).select_related("library"), code=code)
