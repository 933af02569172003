"""Form fields shared by every borrower form (registrar UI, Mina sidor, admin)."""

import contextlib

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from borrowers.identity import (
    MESSAGES,
    Identity,
    IdentityError,
    parse_lma_number,
    parse_personal_number,
    parse_temporary_number,
)
from core.dates import validate_plausible_date


class PersonalNumberField(forms.CharField):
    """Person-/Samordningsnummer: any accepted writing in, an Identity out."""

    default_error_messages = {
        "max_length": _("The number is too long: write 10 or 12 digits, for example 19121212-1212.")
    }
    #: Also an MTM temporary number (the edit form of such an account).
    accept_temporary = False

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Personal or coordination number"))
        kwargs.setdefault("help_text", _("10 or 12 digits, for example 19121212-1212."))
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
        attrs.pop("maxlength", None)  # never silently cut pasted input; validate instead
        return attrs

    def clean(self, value) -> Identity | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_personal_number(text, today=timezone.localdate())
        except IdentityError as error:
            if self.accept_temporary:
                with contextlib.suppress(IdentityError):
                    return parse_temporary_number(text)
            raise forms.ValidationError(gettext(MESSAGES[error.code]), code=error.code) from None


class LmaNumberField(PersonalNumberField):
    default_error_messages = {
        "max_length": _("The number is too long: an LMA number has 8 digits, written XX-XXXXXX.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("LMA number"))
        kwargs.setdefault(
            "help_text",
            _("The 8 digits before the slash on the LMA card, written XX-XXXXXX."),
        )
        super().__init__(**kwargs)

    def clean(self, value) -> Identity | None:
        text = forms.CharField.clean(self, value)
        if not text:
            return None
        try:
            return parse_lma_number(text)
        except IdentityError as error:
            raise forms.ValidationError(gettext(MESSAGES[error.code]), code=error.code) from None


class SwedishDateField(forms.DateField):
    """A date typed as ÅÅÅÅ-MM-DD (other common writings accepted), never a date picker.
    Only a plausible date (core/dates.py) unless other `validators` are given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [validate_plausible_date])
        kwargs.setdefault("help_text", _("Write the date as YYYY-MM-DD, for example 2027-03-27."))
        kwargs.setdefault("widget", forms.DateInput(format="%Y-%m-%d"))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _(
            "Write a real date as YYYY-MM-DD, for example 2027-03-27."
        )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
        return attrs
