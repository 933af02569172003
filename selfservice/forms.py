from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from borrowers.forms.language import language_field
from borrowers.forms.register import ChoosePasswordForm
from core.forms import Form

EMAIL_ERRORS = {
    "required": _("Enter your e-mail address."),
    "invalid": _("Enter an e-mail address like name@example.se."),
    "max_length": _("The e-mail address can be at most 254 characters long."),
}


def _email_field():
    return forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )


class LoginForm(Form):
    """Mina sidor: the same login as for the talking-book service."""

    email = _email_field()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "data-password": ""}),
    )

    def layout(self) -> Layout:
        return Layout("email", "password")

    def refuse(self, message: str) -> None:
        self.add_error(None, forms.ValidationError(message, code="refused"))


def wrong_login_message() -> str:
    # The same words for an unknown address, a wrong password and an account
    # without a password, so that the page never reveals which it was.
    return str(
        _(
            "The e-mail address or the password is wrong. If you have not chosen a "
            'password yet, or have forgotten it, use "Forgot password".'
        )
    )


class ForgotPasswordForm(Form):
    email = _email_field()

    def layout(self) -> Layout:
        return Layout("email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class NewPasswordForm(ChoosePasswordForm):
    """Glömt lösenord: the new password, twice (BORROWER_PASSWORD_MIN_LENGTH characters, not a common one)."""


class PasswordChangeForm(ChoosePasswordForm):
    """Byt lösenord: the current password, then the new one twice."""

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        error_messages={"required": _("Enter your current password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "data-password": ""}),
    )

    def __init__(self, *args, borrower, **kwargs):
        self.borrower = borrower
        super().__init__(*args, **kwargs)

    def layout(self) -> Layout:
        return Layout("current_password", *self.NEW_PASSWORD)

    def clean_current_password(self) -> str:
        password = self.cleaned_data["current_password"]
        if not self.borrower.check_password(password):
            raise forms.ValidationError(
                _("The current password is wrong."), code="password_incorrect"
            )
        return password


class LanguageForm(Form):
    """Mina sidor: the language of the borrower's e-mails and pages."""

    language = language_field(help_text=_("Your e-mails and My pages are in this language."))

    def layout(self) -> Layout:
        return Layout("language")
