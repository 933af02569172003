"""Tvåstegsverifiering: the code page after the password, enrolment (also from
Mina uppgifter) and new recovery codes. accounts/mfa.py holds the rules."""

from crispy_forms.layout import Layout
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from core.forms import Form

from . import mfa


class CodeForm(Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        error_messages={"required": gettext_lazy("Enter the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}
        ),
    )

    def layout(self) -> Layout:
        return Layout("code")

    def refuse(self):
        self.add_error("code", _("The code is wrong or has been used. Try a new code."))


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return resolve_url("admin:index" if request.user.is_staff else "portal:start")


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request):
    """A staff member after the password: the code from the app or a recovery code."""
    user = request.user
    if not mfa.has_second_factor(user):
        return redirect("accounts:mfa_enrol")
    if user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().replace(" ", "").replace("-", "")
        device = match_token(user, code)
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.refuse()
    context = {"form": form, "next": _next(request), "has_passkey": mfa.has_passkey(user)}
    return render(request, "accounts/mfa_verify.html", context)


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def enrol(request):
    """A staff member: set up the app (QR code or key), confirm with a code, and get
    the recovery codes, shown once. One who has a second factor must use it first."""
    user = request.user
    if mfa.has_second_factor(user) and not user.is_verified():
        return redirect("accounts:mfa_verify")
    device = mfa.pending_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_totp(device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            messages.success(request, _("Two-step verification is on."))
            return _recovery_codes(request, codes)
        form.refuse()
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "qr": mfa.qr_svg(device),
            "key": mfa.key_in_groups(device),
            "next": _next(request),
            "required": mfa.required_for(user),
        },
    )


@never_cache
@require_POST
def recovery_codes(request):
    """A verified staff member, from Mina uppgifter: ten new recovery codes."""
    if not request.user.is_verified():
        return redirect("accounts:mfa_verify")
    return _recovery_codes(request, mfa.new_recovery_codes(request.user))


def _recovery_codes(request, codes: list[str]):
    return render(
        request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": _next(request)}
    )
