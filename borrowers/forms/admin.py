"""The borrower form of MTM's admin: the registrar forms' rules, national scope.

One identifier field takes any accepted writing of a personnummer,
samordningsnummer or LMA number; the kind comes from the number. MTM may choose
any library and any user group, unpublished ones included, and manages
protected identities here only.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from borrowers.forms.fields import SwedishDateField
from borrowers.forms.language import LanguageFieldMixin
from borrowers.forms.wiring import (
    GuardianBirthDateMixin,
    agreement_field,
    guardian_birth_date_field,
    require_guardian,
)
from borrowers.identity import MESSAGES, Identity, IdentityError, Kind, parse_any_identifier
from borrowers.models import Borrower, Service
from borrowers.rules import (
    check_borrower_email,
    check_identifier_change,
    check_identifier_free,
    check_valid_until,
)
from core.forms import ModelForm


class BorrowerAdminForm(LanguageFieldMixin, GuardianBirthDateMixin, ModelForm):
    #: The MTM staff member using the form (BorrowerAdmin.get_form sets it).
    staff = None

    number = forms.CharField(
        label=_("Personal, coordination or LMA number"),
        max_length=40,
        help_text=_(
            "Any writing: 10 or 12 digits for a personal identity or coordination number, "
            "XX-XXXXXX for an LMA number. The kind of account follows from the number."
        ),
        error_messages={
            "required": _("Enter the personal identity number, coordination number or LMA number.")
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The borrower logs in to Legimus with this address."),
        error_messages={
            "required": _("Enter the borrower's e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.se."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    valid_until = SwedishDateField(
        label=_("Valid until (inclusive)"),
        required=False,
        help_text=_(
            "Empty: until further notice (personal identity number only). Required for a "
            "coordination number (at most one year ahead) and for an LMA number (the card's "
            "expiry date). Write the date as YYYY-MM-DD."
        ),
    )
    # Optional as a field: the number (or the LMA tick box) decides whether the
    # guardian is needed (require_guardian in clean).
    guardian_birth_date = guardian_birth_date_field(required=False)
    services = forms.ModelMultipleChoiceField(
        label=_("User groups"),
        queryset=Service.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("MTM may also choose groups that are not published."),
    )
    send_credentials = forms.BooleanField(
        label=_("Send login details by e-mail"),
        required=False,
        initial=True,
        help_text=_(
            "The borrower gets an e-mail with their login and a link, valid for 14 days, "
            "to choose their own password."
        ),
    )
    agreement = agreement_field()

    class Meta:
        model = Borrower
        fields = [
            "email",
            "language",
            "valid_until",
            "services",
            "protected_identity",
            "first_name",
            "last_name",
            "library",
            "registered_as_minor",
            "guardian_birth_date",
            "guardian_name",
        ]
        help_texts = {
            "protected_identity": _(
                "Only the number, the e-mail address, the validity and the user groups are "
                "kept: saving removes names, guardian data and library, and no registrar can "
                "see the account any more."
            ),
            "registered_as_minor": _(
                "For an LMA number: the borrower is under 18 (guardian's date of birth and "
                "name required). For other numbers the age follows from the number."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        if self.instance.pk:
            self.initial.setdefault("number", self.instance.display_identifier)
            # Registration-only fields.
            self.fields.pop("send_credentials", None)
            self.fields.pop("agreement", None)

    # --- fields -------------------------------------------------------------------

    def clean_number(self) -> Identity:
        text = self.cleaned_data["number"]
        try:
            identity = parse_any_identifier(text, today=self.today)
        except IdentityError as error:
            raise forms.ValidationError(gettext(MESSAGES[error.code]), code=error.code) from None
        if self.instance.pk:
            check_identifier_change(self.instance, identity, staff=self.staff)
        check_identifier_free(identity, staff=self.staff, exclude_pk=self.instance.pk)
        return identity

    def clean_email(self) -> str:
        return check_borrower_email(
            self.cleaned_data["email"], staff=self.staff, exclude_pk=self.instance.pk
        )

    # --- the whole form -------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        identity = cleaned.get("number")
        protected = cleaned.get("protected_identity", False)
        if identity is not None:
            self._check_validity(identity, cleaned)
            if not protected:
                self._check_guardian(identity, cleaned)
        if protected:
            # SPEC §2: a protected identity keeps no names, guardian data or library.
            for name, empty in Borrower.PLACE_FIELDS.items():
                cleaned[name] = empty
        elif cleaned.get("library") is None and "library" not in self.errors:
            self.add_error(
                "library",
                forms.ValidationError(
                    _("Choose the library, or tick Protected identity."), code="required"
                ),
            )
        if identity is not None:
            instance = self.instance
            instance.id_kind = identity.kind.value
            instance.identifier = identity.value
            instance.birth_date = identity.birth_date
            if identity.kind is not Kind.LMA:
                # Under 18 at registration (then the guardian accepted the agreement);
                # it stays what it was when the account was created.
                cleaned["registered_as_minor"] = (
                    self.instance.registered_as_minor
                    if self.instance.pk
                    else identity.is_minor_on(self.today, registered_as_minor=False)
                )
        return cleaned

    def _check_validity(self, identity: Identity, cleaned: dict) -> None:
        if "valid_until" in self.errors:
            return
        try:
            check_valid_until(
                identity.kind,
                cleaned.get("valid_until"),
                today=self.today,
                saved=self._saved_validity(),
            )
        except forms.ValidationError as error:
            self.add_error("valid_until", error)

    def _saved_validity(self):
        """The stored date that, unchanged, is not judged again (as in an edit)."""
        return self.instance.valid_until if self.instance.pk else None

    def _check_guardian(self, identity: Identity, cleaned: dict) -> None:
        minor = identity.is_minor_on(
            self.today, registered_as_minor=cleaned.get("registered_as_minor", False)
        )
        require_guardian(self, cleaned, minor=minor, lma=identity.kind is Kind.LMA)
