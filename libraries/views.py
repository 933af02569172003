from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from accounts.decorators import head_admin_required, registrar_required
from accounts.models import Role, StaffUser

from .models import Library


@registrar_required
def my_library(request):
    """Registrars and head administrators: Mitt bibliotek, the library's details and menu."""
    library = Library.objects.select_related("county", "municipality").get(
        pk=request.user.library_id
    )
    return render(request, "libraries/my_library.html", {"library": library})


@registrar_required
def branches(request):
    """Registrars and head administrators: Visa filialer, the branches of their main library."""
    library = request.user.library
    branches = Library.objects.open_branches_of(request.user).select_related(
        "county", "municipality"
    )
    return render(request, "libraries/branches.html", {"library": library, "branches": branches})


@registrar_required
def branch(request, pk):
    """Registrars and head administrators: one of their branches, with the create forms for it."""
    # SECURITY: only a branch of the registrar's own main library; anything else is 404.
    branch = get_object_or_404(
        Library.objects.open_branches_of(request.user).select_related("county", "municipality"),
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
