"""Transfers: requests out (Byt bibliotek), decisions in (Ansökningar om biblioteksbyte),
and pulling a borrower to one's own library (flytta användaren)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import registrar_required
from audit.log import record
from audit.models import Action
from borrowers.models import Borrower
from borrowers.views.common import get_borrower
from libraries.forms import search_libraries
from libraries.models import Library

from . import pull as pull_session
from .forms import PullForm
from .models import TransferRefused, TransferRequest

INCOMING_PAGE_SIZE = 25


def _borrower_page(borrower) -> str:
    """The borrower page, or Mitt bibliotek until the borrower page exists."""
    try:
        return reverse("borrowers:detail", args=[borrower.code])
    except NoReverseMatch:
        return reverse("libraries:my_library")


# -- Outgoing -------------------------------------------------------------------


@registrar_required
def outgoing(request, code):
    """Registrars of the borrower's library: Byt bibliotek, the start of a transfer,
    or the pending request with the button to withdraw it."""
    borrower = get_borrower(request, code)
    pending = borrower.transfer_requests.pending().select_related("to_library").first()
    return render(
        request,
        "transfers/outgoing.html",
        {"borrower": borrower, "pending": pending, "borrower_url": _borrower_page(borrower)},
    )


@registrar_required
def library_search(request, code):
    """Registrars of the borrower's library: bibliotekssökning, the library to move to."""
    borrower = get_borrower(request, code)
    if borrower.transfer_requests.pending().exists():
        return redirect("transfers:outgoing", code=borrower.code)
    form, page = search_libraries(request, excluding=borrower.library_id)
    return render(
        request,
        "transfers/library_search.html",
        {"borrower": borrower, "form": form, "page": page},
    )


@registrar_required
def confirm(request, code, library):
    """Registrars of the borrower's library: confirm the library; Bekräfta makes the request."""
    borrower = get_borrower(request, code)
    library = get_object_or_404(
        Library.objects.active()
        .exclude(pk=borrower.library_id)
        .select_related("county", "municipality"),
        pk=library,
    )
    if request.method == "POST":
        try:
            TransferRequest.request(borrower, to_library=library, by=request.user)
        except TransferRefused as error:
            messages.error(request, " ".join(error.messages))
            return redirect("transfers:outgoing", code=borrower.code)
        messages.success(
            request,
            _(
                "The transfer request to %(library)s has been made. %(name)s stays at your "
                "library until %(library)s has decided. An e-mail about it is on its way to them."
            )
            % {"library": library.name, "name": borrower.full_name},
        )
        return redirect(_borrower_page(borrower))
    return render(request, "transfers/confirm.html", {"borrower": borrower, "library": library})


@registrar_required
@require_POST
def cancel(request, code):
    """Registrars of the library that made the request: Återkalla flyttansökan."""
    transfer = get_object_or_404(
        TransferRequest.objects.sent_from(request.user).select_related("borrower", "to_library"),
        code=code,
    )
    borrower = transfer.borrower
    # SECURITY: only while the borrower is still ours; after a move it is the new library's.
    if not Borrower.objects.visible_to(request.user).filter(pk=borrower.pk).exists():
        messages.info(request, _("The transfer request has already been handled."))
        return redirect("libraries:my_library")
    if transfer.cancel(by=request.user):
        messages.success(
            request,
            _("The transfer request to %(library)s has been withdrawn.")
            % {"library": transfer.to_library.name},
        )
    else:
        messages.info(request, _("The transfer request has already been handled."))
    return redirect("transfers:outgoing", code=borrower.code)


# -- Incoming -------------------------------------------------------------------


@registrar_required
def incoming(request):
    """Registrars of the receiving library: Ansökningar om biblioteksbyte, the pending
    requests to their library or its branches."""
    transfers = (
        TransferRequest.objects.incoming_for(request.user)
        .select_related("borrower", "from_library", "to_library")
        .order_by("requested_at", "pk")
    )
    page = Paginator(transfers, INCOMING_PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(
        request,
        "transfers/incoming.html",
        {"page": page, "library": request.user.library},
    )


@registrar_required
def incoming_detail(request, code):
    """Registrars of the receiving library: Behandla ansökan, then Byt bibliotek or Neka byte."""
    transfer = get_object_or_404(
        # SECURITY: outsiders get 404; the page shows personal data only while pending.
        TransferRequest.objects.addressed_to(request.user).select_related(
            "borrower", "from_library", "to_library"
        ),
        code=code,
    )
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("accept", "reject"):
            return redirect("transfers:incoming_detail", code=transfer.code)
        name = transfer.borrower.full_name
        if decision == "accept" and transfer.accept(by=request.user):
            messages.success(
                request,
                _("%(name)s has moved to %(library)s. An e-mail about it is on its way to them.")
                % {"name": name, "library": transfer.to_library.name},
            )
        elif decision == "reject" and transfer.reject(by=request.user):
            messages.success(
                request,
                _(
                    "The transfer of %(name)s has been declined. An e-mail about it is on its way to them."
                )
                % {"name": name},
            )
        else:
            messages.info(request, _already_handled(transfer))
        return redirect("transfers:incoming")
    # SECURITY: the borrower's details only while the request is pending and addressed
    # to this library (incoming_for); afterwards only that it was handled.
    if not TransferRequest.objects.incoming_for(request.user).filter(pk=transfer.pk).exists():
        messages.info(request, _already_handled(transfer))
        return redirect("transfers:incoming")
    record(
        Action.VIEWED,
        actor=request.user,
        borrower=transfer.borrower,
        library=transfer.to_library,
        via="transfer_request",
    )
    return render(request, "transfers/incoming_detail.html", {"transfer": transfer})


def _already_handled(transfer) -> str:
    return {
        "accepted": _("The request has already been handled: the borrower has been moved."),
        "rejected": _("The request has already been handled: the move was declined."),
        "cancelled": _("The request has already been handled: it was withdrawn."),
    }.get(transfer.status, _("The transfer request has already been handled."))


# -- Pull -----------------------------------------------------------------------


@registrar_required
def pull(request, code):
    """Registrars who typed the identifier of a borrower of another library into a
    create form: Byt bibliotek, moving the borrower to their own library at once."""
    # SECURITY: this page shows a borrower outside the registrar's scope (name and
    # e-mail, never the identifier), so only for a code the create form put in this
    # session after the registrar typed the identifier (transfers.pull.allow_pull).
    if not pull_session.is_pull_allowed(request, code):
        raise Http404
    borrower = get_object_or_404(Borrower.objects.select_related("library"), code=code)
    if not pull_session.can_be_pulled_by(borrower, request.user):
        pull_session.forget_pull(request, code)
        raise Http404
    form = PullForm(
        request.POST or None,
        staff=request.user,
        borrower=borrower,
        # The address just typed into the create form, not the one on file.
        initial={"email": pull_session.typed_email(request, code) or borrower.email},
    )
    if request.method == "POST" and form.is_valid():
        to_library = form.target_library
        try:
            TransferRequest.pull(
                borrower,
                to_library=to_library,
                by=request.user,
                email=form.cleaned_data["email"],
                consent=form.cleaned_data["consent"],
                language=form.cleaned_data["language"],
            )
        except TransferRefused as error:
            form.add_error(None, error)
        else:
            pull_session.forget_pull(request, code)
            messages.success(
                request,
                _("%(name)s has moved to %(library)s. An e-mail about it is on its way to them.")
                % {"name": borrower.full_name, "library": to_library.name},
            )
            return redirect(_borrower_page(borrower))
    if request.method == "GET":
        record(
            Action.VIEWED,
            actor=request.user,
            borrower=borrower,
            library=request.user.library,
            via="pull",
        )
    return render(
        request,
        "transfers/pull.html",
        {
            "borrower": borrower,
            "form": form,
            "main_library": request.user.library.main_library,
            "today": timezone.localdate(),
            "cancel_url": pull_session.return_path(request, code)
            or reverse("libraries:my_library"),
        },
    )
