from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.decorators import head_admin_required, registrar_required
from accounts.models import Role, StaffUser
from applications.models import pending_account_applications
from borrowers.models import Borrower
from transfers.models import TransferRequest

from .models import Library

EXPIRY_NOTICE_DAYS = 14


@registrar_required
def start(request):
    """Registrars and head administrators: the start page of their library."""
    borrowers = Borrower.objects.visible_to(request.user)
    today = timezone.localdate()
    return render(
        request,
        "libraries/start.html",
        {
            "library": request.user.library,
            "borrower_count": borrowers.count(),
            "expiring_count": borrowers.expiring_within(EXPIRY_NOTICE_DAYS, today).count(),
            "expiry_notice_days": EXPIRY_NOTICE_DAYS,
            "pending_transfer_count": TransferRequest.objects.incoming_for(request.user).count(),
            "pending_applications": pending_account_applications(request.user),
        },
    )


@registrar_required
def my_library(request):
    """Registrars and head administrators: Mitt bibliotek, the library's details and menu."""
    library = Library.objects.select_related("municipality__county").get(pk=request.user.library_id)
    return render(request, "libraries/my_library.html", {"library": library})


@registrar_required
def branches(request):
    """Registrars and head administrators: Visa filialer, the branches of their main library."""
    library = request.user.library
    branches = Library.objects.open_branches_of(request.user).select_related("municipality__county")
    return render(request, "libraries/branches.html", {"library": library, "branches": branches})


@registrar_required
def branch(request, pk):
    """Registrars and head administrators: one of their branches, with the create forms for it."""
    # SECURITY: only a branch of the registrar's own main library; anything else is 404.
    branch = get_object_or_404(
        Library.objects.open_branches_of(request.user).select_related("municipality__county"),
        pk=pk,
    )
    return render(
        request, "libraries/branch.html", {"library": request.user.library, "branch": branch}
    )


STAFF_LIST_TITLES = {
    Role.HEAD_ADMIN: _("Head administrators"),
    Role.REGISTRAR: _("Registrars"),
    Role.MEDIATOR: _("Mediators"),
}


@head_admin_required
def staff_list(request, role):
    """Head administrators: Visa huvudadministratörer / registrerare / förmedlare of their library."""
    staff = StaffUser.objects.at_library(request.user.library).filter(role=role)
    return render(
        request,
        "libraries/staff_list.html",
        {"library": request.user.library, "staff": staff, "title": STAFF_LIST_TITLES[role]},
    )
