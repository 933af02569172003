from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import mfa, throttle
from .forms import (
    EmailChangeForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)


class LoginView(auth_views.LoginView):
    """Anyone: the staff login (E-post, Lösenord, Logga in, Glömt lösenord)."""

    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """A logged-in person, by POST: ends the session and clears the browser's copy."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Anyone: asks for a reset link. The answer is the same whether or not the address exists."""

    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Anyone holding a valid link: chooses a new password. The link works once."""

    form_class = SetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_not_required
@never_cache
@require_http_methods(["GET"])
def set_password_link(request, uidb64):
    """Anyone with a link from a welcome or reset mail (…/<uid>/?token=…): the token
    moves from the address into the session at once and the browser goes on to the
    token-less set-password page, so the token never stands in a path that an
    access log writes, nor in the history or a Referer header."""
    token = request.GET.get("token", "")
    if token:
        request.session[INTERNAL_RESET_SESSION_TOKEN] = token
    return redirect(
        "accounts:password_reset_confirm",
        uidb64=uidb64,
        token=PasswordResetConfirmView.reset_url_token,
    )


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


# The forms are prefixed ("password-", "email-"): the masked names must be too.
@sensitive_post_parameters(
    "password-old_password", "password-new_password1", "password-new_password2", "email-password"
)
@require_http_methods(["GET", "POST"])
def profile(request):
    """Any logged-in staff member: Mina uppgifter — own details, password and e-mail."""
    user = request.user
    password_form = PasswordChangeForm(user, prefix="password")
    email_form = EmailChangeForm(user, prefix="email", initial={"email": user.email})
    if request.method == "POST":
        # The current password is guessed against the login's lock (accounts/throttle.py).
        lockout = throttle.current_password_lockout(request, user)
        if lockout is not None:
            return lockout
    if request.method == "POST" and "change_password" in request.POST:
        password_form = PasswordChangeForm(user, request.POST, prefix="password")
        valid = password_form.is_valid()
        if password_form.has_error("old_password", "password_incorrect"):
            throttle.note_wrong_current_password(request, user)
        if valid:
            password_form.save()
            # Other sessions end (their auth hash no longer matches); this one stays.
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile")
    elif request.method == "POST" and "change_email" in request.POST:
        email_form = EmailChangeForm(user, request.POST, prefix="email")
        valid = email_form.is_valid()
        if email_form.has_error("password", "password_incorrect"):
            throttle.note_wrong_current_password(request, user)
        if valid:
            email_form.save()
            messages.success(request, _("Your e-mail address has been changed."))
            return redirect("accounts:profile")
    form = password_form if password_form.errors else email_form
    return render(
        request,
        "accounts/profile.html",
        {
            "password_form": password_form,
            "email_form": email_form,
            "form": form,
            "has_second_factor": mfa.has_second_factor(user),
        },
    )
