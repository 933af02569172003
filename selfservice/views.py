"""Mina sidor: the borrower's own pages (SPEC §2 "Borrowers' own pages").

A borrower is not a Django auth user. These views are outside the staff
LoginRequiredMiddleware (@login_not_required) and protected by
session.borrower_required instead; every response is never_cache.
"""

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import borrower_throttle as throttle
from borrowers.credentials import RESET_MAX_AGE
from borrowers.models import Borrower
from borrowers.resets import send_borrower_reset
from core import languages
from libraries.forms import search_libraries
from libraries.models import Library
from transfers.models import TransferRefused, TransferRequest

from . import session
from .forms import (
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    wrong_login_message,
)
from .login import FAILED, Outcome, check_login, note_login
from .texts import contact_line, expired_message

RESET_TOKEN = "borrower_reset_token"  # noqa: S105 (a session key)


def public(view):
    """Pages for anyone (login, Glömt lösenord): outside the staff login, never cached."""
    return login_not_required(never_cache(view))


def _render(request, template: str, context: dict, **kwargs):
    """render(), with the logged-in borrower (if any) for the Mina sidor navigation."""
    context.setdefault("borrower", getattr(request, "borrower", None))
    return render(request, template, context, **kwargs)


def _client_address(request) -> str:
    return get_client_ip_address(request) or ""


# -- Logging in and out ------------------------------------------------------------


@public
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login(request):
    """Anyone: log in to Mina sidor with the e-mail and password of the talking-book service."""
    if session.current_borrower(request)[0] is not None and request.method == "GET":
        return redirect("selfservice:details")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        address = _client_address(request)
        channel = throttle.Channel.MINA_SIDOR
        if throttle.is_locked(channel, email=email, source=address):
            return _locked_out(request)
        check = check_login(email, form.cleaned_data["password"])
        failed = check.outcome in FAILED
        throttle.note_check(channel, email=email, source=address, failed=failed)
        if failed and throttle.is_locked(channel, email=email, source=address):
            return _locked_out(request)
        if failed:
            form.refuse(wrong_login_message())
        elif check.outcome is Outcome.EXPIRED:
            form.refuse(expired_message(check.borrower))
        else:
            session.log_in(request, check.borrower)
            note_login(check.borrower, channel="mina_sidor")
            # From now on the account's language rules; the cookie follows it, so the
            # login page after logging out is in it too.
            return languages.remember(redirect(_next_page(request)), check.borrower.language)
    return _render(request, "selfservice/login.html", {"form": form})


def _next_page(request) -> str:
    """Where a fresh login goes: the page that asked for it (?next, kept in the form's
    address), if it is one of ours; else Mina uppgifter."""
    wanted = request.GET.get("next", "")
    # SECURITY: never to another site (an open redirect would lend phishing our address).
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("selfservice:details")


def _locked_out(request):
    return _render(
        request,
        "selfservice/locked_out.html",
        {"cooloff": throttle.cooloff_minutes()},
        status=429,
    )


@login_not_required
@never_cache
@require_POST
def logout(request):
    """A logged-in borrower, by POST: ends the session and clears the browser's copy."""
    session.log_out(request)
    response = redirect("selfservice:login")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


# -- Mina uppgifter and Byt lösenord ------------------------------------------------


@session.borrower_required
@require_http_methods(["GET"])
def details(request):
    """The logged-in borrower: Mina uppgifter, their own details (identifier masked)."""
    borrower = request.borrower
    return _render(
        request,
        "selfservice/details.html",
        {
            "borrower": borrower,
            "services": borrower.services.filter(published=True),
            "pending": _pending(borrower),
            "contact": contact_line(borrower),
            "language_form": LanguageForm(initial={"language": borrower.language}),
        },
    )


@session.borrower_required
@require_http_methods(["GET", "POST"])
def change_language(request):
    """The logged-in borrower: the language of their e-mails and of Mina sidor."""
    borrower = request.borrower
    form = LanguageForm(request.POST or None, initial={"language": borrower.language})
    if request.method == "POST" and form.is_valid():
        borrower.change_language(form.cleaned_data["language"], by=borrower)
        # The page after the change is in the new language already.
        with translation.override(borrower.language):
            messages.success(request, _("Your language has been saved."))
        return languages.remember(redirect("selfservice:details"), borrower.language)
    return _render(request, "selfservice/change_language.html", {"form": form})


@session.borrower_required
@sensitive_post_parameters("current_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def change_password(request):
    """The logged-in borrower: Byt lösenord. Their other sessions end; this one stays."""
    borrower = request.borrower
    form = PasswordChangeForm(request.POST or None, borrower=borrower)
    valid = False
    if request.method == "POST":
        # The current password is guessed against the login's lock (borrower_throttle.py).
        address, channel = _client_address(request), throttle.Channel.MINA_SIDOR
        if throttle.is_locked(channel, email=borrower.email, source=address):
            return _locked_out(request)
        valid = form.is_valid()
        if form.has_error("current_password", "password_incorrect"):
            throttle.note_check(channel, email=borrower.email, source=address, failed=True)
            if throttle.is_locked(channel, email=borrower.email, source=address):
                return _locked_out(request)
    if valid:
        borrower.change_password(form.cleaned_data["new_password1"], by=borrower)
        session.keep_after_password_change(request, borrower)
        messages.success(request, _("Your new password has been saved."))
        return redirect("selfservice:details")
    return _render(request, "selfservice/change_password.html", {"form": form})


# -- Glömt lösenord ------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def forgot_password(request):
    """Anyone: ask for a reset link. The answer is the same whether or not the address exists."""
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same work whatever the address: one task (borrowers/resets.py).
        send_borrower_reset.enqueue(form.cleaned_data["email"])
        return redirect("selfservice:forgot_password_sent")
    return _render(request, "selfservice/forgot_password.html", {"form": form})


@public
@require_http_methods(["GET"])
def forgot_password_sent(request):
    """Anyone: the one answer to every reset request."""
    return _render(
        request,
        "selfservice/forgot_password_sent.html",
        {"valid_hours": int(RESET_MAX_AGE.total_seconds() // 3600)},
    )


@public
@require_http_methods(["GET"])
def reset_link(request, token=""):
    """Anyone with a link from a reset mail (…/nytt-losenord/?token=…): the token
    moves from the address into the session at once, so it cannot leak through an
    access log, the Referer header or the history."""
    request.session[RESET_TOKEN] = token or request.GET.get("token", "")
    response = redirect("selfservice:reset_password")
    # The page is in the language of the account the link belongs to (the switch on
    # the page can change it).
    borrower = Borrower.objects.for_token(request.session[RESET_TOKEN], purpose="reset")
    return languages.remember(response, borrower.language) if borrower else response


@public
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def reset_password(request):
    """Anyone holding a valid reset link: chooses a new password. The link works once."""
    token = request.session.get(RESET_TOKEN, "")
    valid = bool(token) and Borrower.objects.for_token(token, purpose="reset") is not None
    form = NewPasswordForm(request.POST or None)
    if valid and request.method == "POST" and form.is_valid():
        borrower = Borrower.objects.reset_password(token, form.cleaned_data["new_password1"])
        request.session.pop(RESET_TOKEN, None)
        if borrower is not None:
            # Not logged in automatically (OWASP): the borrower logs in with the new password.
            session.forget_borrower(request.session)
            messages.success(request, _("Your new password has been saved. Log in with it."))
            return redirect("selfservice:login")
        valid = False
    # The token is in the session, not in this page's address: the project's
    # same-origin Referrer-Policy cannot leak it ("no-referrer" would make the
    # browser send "Origin: null" and fail the form's CSRF check).
    return _render(request, "selfservice/reset_password.html", {"form": form, "validlink": valid})


# -- Byt bibliotek ---------------------------------------------------------------------


def _pending(borrower):
    return (
        TransferRequest.objects.pending()
        .filter(borrower=borrower)
        .select_related("to_library")
        .first()
    )


def _can_move(borrower) -> bool:
    # Protected identities belong to no library; they contact MTM.
    return borrower.has_library


@session.borrower_required
@require_http_methods(["GET"])
def transfer(request):
    """The logged-in borrower: Byt bibliotek — the pending request, or the library search."""
    borrower = request.borrower
    context = {"borrower": borrower, "can_move": _can_move(borrower)}
    if context["can_move"]:
        context["pending"] = pending = _pending(borrower)
        if pending is None:
            form, page = search_libraries(request, excluding=borrower.library_id)
            context.update(form=form, page=page)
    return _render(request, "selfservice/transfer.html", context)


@session.borrower_required
@require_http_methods(["GET", "POST"])
def transfer_confirm(request, library):
    """The logged-in borrower: Bekräfta the library; makes a pending transfer request,
    exactly as if their library had made it (the same mail), with requested_by empty."""
    borrower = request.borrower
    if not _can_move(borrower):
        return redirect("selfservice:transfer")
    library = get_object_or_404(
        Library.objects.active()
        .exclude(pk=borrower.library_id)
        .select_related("county", "municipality", "parent"),
        pk=library,
    )
    if request.method == "POST":
        try:
            TransferRequest.request(borrower, to_library=library, by=None)
        except TransferRefused as error:
            messages.error(request, _refusal(error, borrower))
            return redirect("selfservice:transfer")
        messages.success(
            request,
            _(
                "Your request to move to %(library)s has been sent. You stay at %(current)s "
                "until %(library)s has decided. We have sent you an e-mail about it."
            )
            % {"library": library.name, "current": borrower.library.name},
        )
        return redirect("selfservice:transfer")
    return _render(
        request,
        "selfservice/transfer_confirm.html",
        {"borrower": borrower, "library": library, "today": timezone.localdate()},
    )


def _refusal(error: TransferRefused, borrower) -> str:
    """The model's refusals speak to registrars; say the same to the borrower."""
    code = getattr(error, "code", None)
    if code == "already_pending":
        return _(
            "You have already asked to move. Withdraw that request first if you want "
            "to choose another library."
        )
    if code == "same_library":
        return _("Your account already belongs to %(library)s.") % {
            "library": borrower.library.name
        }
    return " ".join(error.messages)


@session.borrower_required
@require_POST
def transfer_withdraw(request, code):
    """The logged-in borrower: withdraw their own pending transfer request."""
    # SECURITY: only the borrower's own requests.
    transfer = get_object_or_404(
        TransferRequest.objects.filter(borrower=request.borrower).select_related("to_library"),
        code=code,
    )
    if transfer.cancel(by=None, reason="withdrawn_by_borrower"):
        messages.success(
            request,
            _("Your request to move to %(library)s has been withdrawn.")
            % {"library": transfer.to_library.name},
        )
    else:
        messages.info(request, _("The request has already been handled."))
    return redirect("selfservice:transfer")
