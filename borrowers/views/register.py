"""Registering borrowers: the four create forms, the agreement text, login details
mail, and the borrower's public set-password page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import registrar_required
from borrowers.forms.register import CREATE_FORMS, ChoosePasswordForm, replacement_form_class
from borrowers.forms.wiring import SAVE_REFUSED
from borrowers.models import AgreementText, AlreadyRegistered, Borrower, IdKind
from borrowers.signals import found_at_another_library
from core import languages
from core.forms import refused_save_message

from .common import get_borrower

#: Set in the session when a protected identity was saved, so that the
#: confirmation page shows only right after saving.
PROTECTED_CREATED = "borrowers.protected_created"
#: What the "wrong age" notice carries to the right create form (templates/borrowers/
#: register/_notices.html posts them back with CARRY_OVER): nothing typed is lost.
CARRIED_FIELDS = ("identifier", "first_name", "last_name", "email")
CARRY_OVER = "carry_over"


@sensitive_post_parameters("identifier")
@registrar_required
@require_http_methods(["GET", "POST"])
def create(request, kind):
    """Registrars and head administrators: one of the four create forms (Skapa …)."""
    form_class = CREATE_FORMS[kind]
    if request.method == "POST" and request.POST.get(CARRY_OVER):
        # From the other form's "wrong age" notice: this form, filled in with what was
        # typed there, not yet checked. (A POST keeps the number out of the address.)
        form = form_class(
            registrar=request.user,
            initial_library=request.POST.get("library"),
            initial={name: request.POST.get(name, "") for name in CARRIED_FIELDS},
        )
    elif request.method == "POST":
        form = form_class(request.POST, registrar=request.user)
        if form.is_valid():
            try:
                borrower = Borrower.objects.register(by=request.user, **form.registration())
            except AlreadyRegistered:
                # Someone saved the same person a moment ago: validating again
                # now finds them and explains, like any other existing person.
                form = form_class(request.POST, registrar=request.user)
                refused_save_message(form, SAVE_REFUSED)
            else:
                return _registered(request, borrower)
    else:
        form = form_class(registrar=request.user, initial_library=request.GET.get("bibliotek"))
    # Opens *flytta användaren* (transfers), which offers the e-mail address typed here.
    found_at_another_library.send(
        sender=form_class,
        request=request,
        borrower=form.registered_elsewhere,
        email=request.POST.get("email", ""),
    )
    return render(
        request,
        "borrowers/register/create.html",
        {"form": form},
    )


@sensitive_post_parameters("identifier")
@registrar_required
@require_http_methods(["GET", "POST"])
def replace_lma(request, code):
    """Registrars and head administrators, for an LMA borrower of their library:
    *Personen har fått personnummer*. The adult or minor create form, prefilled;
    saving creates the new account and deletes the LMA account (one workflow)."""
    lma = get_borrower(request, code)  # SECURITY: 404 outside the library
    if lma.id_kind != IdKind.LMA:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form_class = replacement_form_class(lma, data, today=timezone.localdate())
    form = form_class(data, registrar=request.user, replaces=lma)
    if data is not None and form.is_valid():
        try:
            borrower = lma.replace_with_personnummer(by=request.user, **form.registration())
        except Borrower.DoesNotExist:
            raise Http404 from None  # deleted or changed by someone else meanwhile
        except AlreadyRegistered:
            form = form_class(data, registrar=request.user, replaces=lma)
            refused_save_message(form, SAVE_REFUSED)
        else:
            messages.success(
                request,
                _(
                    "The account with the personal identity number has been created and the "
                    "account with the LMA number has been deleted. An e-mail is on its way to "
                    "%(email)s."
                )
                % {"email": borrower.email},
            )
            return redirect("borrowers:detail", borrower.code)
    found_at_another_library.send(
        sender=form_class, request=request, borrower=form.registered_elsewhere
    )
    return render(request, "borrowers/register/replace_lma.html", {"form": form, "borrower": lma})


def _registered(request, borrower):
    if borrower.protected_identity:
        # SECURITY: nothing about the account goes to the next page; from now on
        # only MTM sees it.
        request.session[PROTECTED_CREATED] = True
        return redirect("borrowers:protected_created")
    messages.success(request, _("The borrower has been registered."))
    if borrower.credentials_sent_at:
        messages.success(
            request,
            _(
                "An e-mail with the login and a link for choosing a password is on its way to %(email)s."
            )
            % {"email": borrower.email},
        )
    else:
        messages.warning(
            request,
            _(
                "The account has no password yet. Set one with Change password and tell the "
                "borrower."
            ),
        )
    return redirect("borrowers:detail", borrower.code)


@registrar_required
def protected_created(request):
    """Registrars and head administrators, right after saving a protected identity:
    the account was created and handed to MTM. Nothing more, ever."""
    if not request.session.pop(PROTECTED_CREATED, False):
        return redirect("libraries:my_library")
    return render(request, "borrowers/register/protected_created.html")


@registrar_required
def agreement(request):
    """Registrars and head administrators: Avtalstext, MTM's lending rules in force, in
    a language (?sprak=en; Swedish by default) and for an adult or (?under-18=1) for a
    borrower under 18, whose guardian accepts it."""
    language = languages.supported(request.GET.get("sprak"))
    text = AgreementText.current(language, minor=request.GET.get("under-18") == "1")
    return render(
        request,
        "borrowers/register/agreement.html",
        {"agreement": text, "text_language": text.language if text else language},
    )


@require_POST
@registrar_required
def send_credentials(request, code):
    """Registrars and head administrators, for a borrower of their library:
    Skicka inloggningsuppgifter igen (a fresh link; earlier ones stop working)."""
    borrower = get_borrower(request, code)  # SECURITY: 404 outside the library
    sent_before = borrower.credentials_sent_at is not None
    borrower.send_credentials(by=request.user)
    if sent_before:
        text = _(
            "An e-mail with the login and a new link for choosing a password is on its way to %(email)s."
        )
    else:
        text = _(
            "An e-mail with the login and a link for choosing a password is on its way to %(email)s."
        )
    messages.success(request, text % {"email": borrower.email})
    return redirect("borrowers:detail", borrower.code)


def _no_referrer(response):
    # The token is in the address: no Referer may carry it, not even to our own
    # static files (access logs). Only the origin is sent; "no-referrer" would
    # also make the browser send "Origin: null" and fail the form's CSRF check.
    response["Referrer-Policy"] = "strict-origin"
    return response


CHOOSE_TOKEN = "borrower_choose_token"  # noqa: S105 (a session key)


@login_not_required
@never_cache
@require_http_methods(["GET"])
def password_link(request):
    """Anyone with the link from the login details mail (…/losenord/?token=…): the
    token moves from the address into the session at once, so no access log
    writes it (the query string is left out of them) and no Referer carries it."""
    request.session[CHOOSE_TOKEN] = request.GET.get("token", "")
    response = redirect("borrowers:choose_password_here")
    # The page is in the language of the account the link belongs to (a cookie, so
    # that the switch on the page can change it; selfservice/language.py reads it).
    borrower = Borrower.objects.for_token(request.session[CHOOSE_TOKEN])
    return languages.remember(response, borrower.language) if borrower else response


@login_not_required
@never_cache
@sensitive_variables("token")
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def choose_password(request, token=None):
    """Anyone holding a valid link from the login details mail (the borrower):
    choose a password. The link works once and for 14 days.

    The token is in the session (password_link), or in the address of an old link;
    nothing is kept in the database (SPEC §2 Credentials).
    """
    if token is None:
        token = request.session.get(CHOOSE_TOKEN, "")
    borrower = Borrower.objects.for_token(token)
    if borrower is None:
        return _no_referrer(
            render(request, "borrowers/register/choose_password_invalid.html", status=404)
        )
    form = ChoosePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if Borrower.objects.choose_password(token, form.cleaned_data["new_password1"]) is None:
            return _no_referrer(
                render(request, "borrowers/register/choose_password_invalid.html", status=404)
            )
        request.session.pop(CHOOSE_TOKEN, None)
        return redirect("borrowers:password_chosen")
    return _no_referrer(
        render(
            request,
            "borrowers/register/choose_password.html",
            {"form": form, "email": borrower.email},
        )
    )


@login_not_required
def password_chosen(request):
    """Anyone: the confirmation after choosing a password."""
    return render(request, "borrowers/register/password_chosen.html")


urlpatterns = [
    path("skapa/vuxen/", create, {"kind": "adult"}, name="create_adult"),
    path("skapa/under-18/", create, {"kind": "minor"}, name="create_minor"),
    path("skapa/vuxen-lma/", create, {"kind": "lma_adult"}, name="create_lma_adult"),
    path("skapa/under-18-lma/", create, {"kind": "lma_minor"}, name="create_lma_minor"),
    path("skapa/overlamnad-till-mtm/", protected_created, name="protected_created"),
    path("avtalstext/", agreement, name="agreement"),
    path("<uuid:code>/har-fatt-personnummer/", replace_lma, name="replace_lma"),
    path("<uuid:code>/skicka-inloggningsuppgifter/", send_credentials, name="send_credentials"),
    path("losenord/klart/", password_chosen, name="password_chosen"),
    path("losenord/", password_link, name="password_link"),
    path("losenord/valj/", choose_password, name="choose_password_here"),
    path("losenord/<str:token>/", choose_password, name="choose_password"),
]
