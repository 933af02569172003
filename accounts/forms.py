from crispy_forms.layout import Layout
from django import forms
from django.contrib.auth import forms as auth_forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin
from notifications.mail import queue_mail
from notifications.models import MailKind

from .models import StaffUser
from .resets import send_staff_reset, staff_accounts


class LoginForm(AccessibleFormMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address like name@library.se."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "data-password": ""}),
    )
    error_messages = {
        # The same answer for an unknown address and a wrong password.
        "invalid_login": _("The e-mail address or the password is wrong."),
        "inactive": _("The e-mail address or the password is wrong."),
    }

    def layout(self) -> Layout:
        return Layout("username", "password")


class PasswordResetForm(AccessibleFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address like name@library.se."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def layout(self) -> Layout:
        return Layout("email")

    def get_users(self, email):
        # Unlike Django's, also accounts that never chose a password: a new
        # registrar who lost the welcome mail resets like anyone else.
        return staff_accounts(email)

    def save(self, **kwargs):
        """One task, whatever the address: the lookup, the throttle and the mail happen
        in it (accounts/resets.py), so the request's work does not tell accounts apart."""
        send_staff_reset.enqueue(self.cleaned_data["email"])


class SetPasswordForm(AccessibleFormMixin, auth_forms.SetPasswordForm):
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_(
            "At least 12 characters. A long sentence is easy to remember and hard to guess."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "data-password": ""}),
        error_messages={"required": _("Enter a new password.")},
    )
    new_password2 = forms.CharField(
        label=_("Repeat new password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "data-password": ""}),
        error_messages={"required": _("Enter the new password again.")},
    )
    error_messages = {"password_mismatch": _("The two passwords are not the same.")}

    def layout(self) -> Layout:
        return Layout("new_password1", "new_password2")

    def __init__(self, user, *args, **kwargs):
        # The first password (from the welcome mail) changes nothing: no mail then.
        self.had_password = user is not None and user.has_usable_password()
        super().__init__(user, *args, **kwargs)

    def save(self, commit=True):
        """The staff member's own new password (Mina uppgifter or a reset link), and
        a mail about it in the same transaction: if it was not them, they can act."""
        with transaction.atomic():
            user = super().save(commit=commit)
            if commit and self.had_password:
                queue_mail(MailKind.STAFF_PASSWORD_CHANGED, to=user.email, user=user.pk)
        return user


class PasswordChangeForm(SetPasswordForm):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "data-password": ""}),
        error_messages={"required": _("Enter your current password.")},
    )

    def layout(self) -> Layout:
        return Layout("old_password", *super().layout().fields)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not self.user.check_password(old_password):
            raise forms.ValidationError(
                _("The current password is wrong."), code="password_incorrect"
            )
        return old_password


class EmailChangeForm(AccessibleFormMixin, forms.Form):
    """A new login address, confirmed by the current password (security.md §6 re-authentication)."""

    email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter the new e-mail address."),
            "invalid": _("Enter an e-mail address like name@library.se."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your current password to change the e-mail address.")},
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def layout(self) -> Layout:
        return Layout("email", "password")

    def clean_email(self):
        email = StaffUser.objects.normalize_email(self.cleaned_data["email"]).strip()
        taken = StaffUser.objects.with_email(email).exclude(pk=self.user.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Another account already uses this e-mail address. Each account needs its own."),
                code="taken",
            )
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("The current password is wrong."), code="password_incorrect"
            )
        return password

    def save(self):
        self.user.email = self.cleaned_data["email"]
        self.user.save(update_fields=["email"])
        return self.user
