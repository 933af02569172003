"""The public account application (search for the library, then the form) and the
head administrator's branch application."""

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import head_admin_required
from core.forms import refused_save_message
from libraries.forms import search_libraries
from libraries.models import Library

from .forms import AccountApplicationForm, BranchApplicationForm
from .models import AccountApplication, BranchApplication


@login_not_required
@require_http_methods(["GET"])
def library_search(request):
    """Anyone: step 1 of Ansök om ett registrerarkonto, the library one works at."""
    form, page = search_libraries(request, among=Library.objects.in_directory_or_active())
    return render(request, "applications/library_search.html", {"form": form, "page": page})


@login_not_required
@require_http_methods(["GET", "POST"])
def apply(request):
    """Anyone: step 2, the application itself.

    Every submission that is not a plain input error ends on the same thank-you page:
    a stored application, a filled honeypot, too many from one address, a second
    pending application for the same e-mail. So the page tells a bot nothing, and
    tells no one whether an e-mail belongs to an account.
    """
    if request.method == "POST":
        form = AccountApplicationForm(request.POST)
        if form.is_spam:
            return redirect("applications:thanks")
        if form.is_valid():
            AccountApplication.submit(
                client_address=get_client_ip_address(request) or "",
                **form.application_fields(),
            )
            return redirect("applications:thanks")
        library = _active_library(request.POST.get("library"))
    else:
        library = _active_library(request.GET.get("bibliotek"))
        if library is None:
            return redirect("applications:library_search")
        form = AccountApplicationForm(initial={"library": library.pk})
    return render(request, "applications/apply.html", {"form": form, "library": library})


def _active_library(pk) -> Library | None:
    """The chosen library to show above the form: an active one, or one of the directory
    not yet connected. The form's own queryset validates it."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Library.objects.in_directory_or_active()
        .select_related("county", "municipality")
        .filter(pk=pk)
        .first()
    )


@login_not_required
@require_http_methods(["GET"])
def thanks(request):
    """Anyone: the one answer to every application sent."""
    return render(request, "applications/thanks.html")


@head_admin_required
@require_http_methods(["GET", "POST"])
def branch(request):
    """Head administrators: Ansök om en filial for their main library, and their
    applications still waiting for MTM."""
    library = request.user.library
    form = BranchApplicationForm(request.POST or None, library=library)
    if request.method == "POST" and form.is_valid():
        form.instance.library = library
        form.instance.applied_by = request.user
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:  # the same name sent twice at once
            refused_save_message(
                form,
                _("An application for a branch with this name is already waiting for MTM."),
                field="name",
                code="pending",
            )
        else:
            messages.success(
                request,
                _(
                    "Your application for %(name)s has been sent to MTM. You get an e-mail when "
                    "MTM has decided."
                )
                % {"name": form.instance.name},
            )
            return redirect("applications:branch")
    pending = (
        BranchApplication.objects.visible_to(request.user)
        .pending()
        .select_related("municipality", "applied_by")
        .order_by("created_at")
    )
    return render(
        request,
        "applications/branch.html",
        {"library": library, "form": form, "pending": pending},
    )
