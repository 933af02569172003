"""Forms for finding and managing borrowers: Sök användare, Redigera låntagare, Byt lösenord."""

from datetime import date

from crispy_forms.layout import Layout
from django import forms
from django.contrib.auth.password_validation import (
    UserAttributeSimilarityValidator,
)
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import LookupDoor
from borrowers.forms.fields import LmaNumberField, PersonalNumberField, SwedishDateField
from borrowers.forms.language import LanguageFieldMixin
from borrowers.forms.layout import edit_layout
from borrowers.forms.register import ChoosePasswordForm
from borrowers.forms.wiring import (
    GuardianBirthDateMixin,
    IdentityLookupMixin,
    guardian_birth_date_field,
    guardian_name_field,
)
from borrowers.identity import Kind
from borrowers.lookups import lookup_email_term
from borrowers.models import Borrower, IdKind, Service
from borrowers.policy import BORROWER_PASSWORD_MIN_LENGTH
from borrowers.rules import (
    LMA_VALIDITY_REQUIRED,
    check_borrower_email,
    check_identifier_change,
    check_identifier_free,
    check_valid_until,
    guardian_required,
    lma_to_personnummer_error,
)
from core.forms import Form
from libraries.models import Library


class SearchForm(Form):
    q = forms.CharField(
        label=_("Search user"),
        max_length=200,
        help_text=_(
            "Name, personal identity number, coordination number, LMA number or e-mail address."
        ),
        error_messages={
            "required": _(
                "Enter a name, a personal identity or coordination number, an LMA number "
                "or an e-mail address."
            ),
            "max_length": _("Enter at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def layout(self) -> Layout:
        return Layout("q")


class BorrowerEditForm(IdentityLookupMixin, LanguageFieldMixin, GuardianBirthDateMixin, Form):
    """Redigera låntagare. The fields depend on the kind of account; the rules of
    SPEC §2 for identifiers and validity are checked against the borrower as saved.
    A new number or address is looked up as a search (IdentityLookupMixin); the
    saved ones are not (they tell nothing new)."""

    lookup_door = LookupDoor.EDIT

    def __init__(self, *args, borrower: Borrower, registrar, today: date, **kwargs):
        self.borrower = borrower
        self.registrar = registrar
        self.today = today
        self.is_lma = borrower.id_kind == IdKind.LMA
        initial = {
            "first_name": borrower.first_name,
            "last_name": borrower.last_name,
            "email": borrower.email,
            "valid_until": borrower.valid_until,
            "guardian_birth_date": borrower.guardian_birth_date,
            "guardian_name": borrower.guardian_name,
            "library": borrower.library_id,
            "services": [s.pk for s in borrower.services.all() if s.published],
        }
        if self.is_lma:
            initial["lma_number"] = borrower.display_identifier
        else:
            initial["identifier"] = borrower.display_identifier
        super().__init__(*args, initial=initial, **kwargs)
        self._build_fields()

    def _build_fields(self):
        borrower = self.borrower
        fields = {}
        # SECURITY: the choices are the registrar's own main library and its
        # branches; the queryset is the server-side validation.
        libraries = Library.objects.choosable_by(self.registrar, keep=borrower.library_id)
        if len(libraries) > 1:
            fields["library"] = forms.ModelChoiceField(
                queryset=libraries,
                label=_("Library"),
                empty_label=None,
                error_messages={
                    "required": _("Choose the library."),
                    "invalid_choice": _("Choose one of the libraries in the list."),
                },
            )
        if self.is_lma:
            fields["lma_number"] = LmaNumberField(
                label=_("LMA number"),
                error_messages={"required": _("Enter the LMA number, written XX-XXXXXX.")},
            )
        else:
            fields["identifier"] = PersonalNumberField(
                label=_("Personal or coordination number"),
                help_text=_(
                    "A coordination number can be replaced by the same person's personal "
                    "identity number."
                ),
                error_messages={
                    "required": _("Enter the personal identity number or coordination number.")
                },
            )
            # A student's MTM temporary number stays, or becomes their personnummer.
            fields["identifier"].accept_temporary = borrower.id_kind == IdKind.TEMPORARY
        fields["first_name"] = forms.CharField(
            label=_("First name"),
            max_length=100,
            error_messages={
                "required": _("Enter the first name."),
                "max_length": _("The first name can be at most %(limit_value)d characters."),
            },
            widget=forms.TextInput(attrs={"autocomplete": "off"}),
        )
        fields["last_name"] = forms.CharField(
            label=_("Last name"),
            max_length=100,
            error_messages={
                "required": _("Enter the last name."),
                "max_length": _("The last name can be at most %(limit_value)d characters."),
            },
            widget=forms.TextInput(attrs={"autocomplete": "off"}),
        )
        fields["email"] = forms.EmailField(
            label=_("E-mail"),
            max_length=254,
            help_text=_("The borrower logs in to Legimus with this address."),
            error_messages={
                "required": _("Enter the borrower's e-mail address."),
                "invalid": _("Enter an e-mail address like name@example.se."),
                "max_length": _("The e-mail address can be at most %(limit_value)d characters."),
            },
            widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        )
        if self.is_lma:
            fields["valid_until"] = SwedishDateField(
                label=_("LMA card valid until"),
                help_text=_(
                    "The account is valid as long as the LMA card. "
                    "Write the date as YYYY-MM-DD, for example 2027-03-27."
                ),
                error_messages={"required": LMA_VALIDITY_REQUIRED},
            )
        else:
            fields["valid_until"] = SwedishDateField(
                label=_("Valid until"),
                required=False,
                help_text=_(
                    "Required for a coordination number, at most one year ahead. Leave empty "
                    "for a personal identity number to keep the account until further notice. "
                    "Write the date as YYYY-MM-DD."
                ),
            )
        if borrower.registered_as_minor and self._keeps_guardian(borrower):
            needs = guardian_required(minor=not borrower.is_adult(self.today), lma=self.is_lma)
            fields["guardian_birth_date"] = guardian_birth_date_field(required=needs.birth_date)
            if needs.name or borrower.guardian_name:
                fields["guardian_name"] = guardian_name_field(required=needs.name)
        fields["services"] = forms.ModelMultipleChoiceField(
            queryset=Service.objects.filter(published=True),
            label=_("Published user groups"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": _("Choose among the published user groups.")},
        )
        for name, field in fields.items():
            self.fields[name] = field
        self.apply_house_rules(fields.values())

    def layout(self) -> Layout:
        return edit_layout()

    def _keeps_guardian(self, borrower: Borrower) -> bool:
        """An adult's guardian data is removed when they turn 18 (coming_of_age.py):
        the form then offers no guardian fields to type it in again."""
        return (
            self.is_lma
            or not borrower.is_adult(self.today)
            or bool(borrower.guardian_birth_date or borrower.guardian_name)
        )

    # --- identifiers -----------------------------------------------------------

    def _clean_number(self, identity):
        check_identifier_change(self.borrower, identity, staff=self.registrar)
        if identity.value != self.borrower.identifier:
            self.look_up(
                lambda: check_identifier_free(
                    identity, staff=self.registrar, exclude_pk=self.borrower.pk
                ),
                identity=identity,
                default=None,
            )
        return identity

    def clean_identifier(self):
        return self._clean_number(self.cleaned_data["identifier"])

    def clean_lma_number(self):
        return self._clean_number(self.cleaned_data["lma_number"])

    def _clean_fields(self):
        super()._clean_fields()
        # A personnummer typed into an LMA account's field: the rule's explanation
        # (a new account instead) replaces the field's generic one (SPEC §2).
        errors = self.errors.get("lma_number")
        if errors and any(e.code == "lma_personal_number" for e in errors.as_data()):
            self.errors["lma_number"] = self.error_class([lma_to_personnummer_error()])

    # --- other fields -----------------------------------------------------------

    def clean_email(self):
        email = self.cleaned_data["email"]

        def check():
            return check_borrower_email(email, staff=self.registrar, exclude_pk=self.borrower.pk)

        if lookup_email_term(email) == lookup_email_term(self.borrower.email):
            return check()  # the saved address: no lookup of anyone else
        return self.look_up(check, email=email, default=email)

    def clean(self):
        cleaned = super().clean()
        identity = cleaned.get("identifier")
        kind = identity.kind if identity is not None else Kind(self.borrower.id_kind)
        if "valid_until" in cleaned:
            try:
                check_valid_until(
                    kind, cleaned["valid_until"], today=self.today, saved=self.borrower.valid_until
                )
            except forms.ValidationError as error:
                self.add_error("valid_until", error)
        return cleaned

    def changes(self) -> dict:
        """Field values for Borrower.update_details, from a valid form."""
        data = self.cleaned_data
        changes = {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": data["email"],
            "valid_until": data["valid_until"],
            "language": data["language"],
        }
        for name in ("library", "guardian_birth_date", "guardian_name"):
            if name in self.fields:
                changes[name] = data[name]
        identity = data.get("identifier") or data.get("lma_number")
        changes["identifier"] = identity.value
        changes["id_kind"] = identity.kind.value
        changes["birth_date"] = identity.birth_date
        # Groups MTM has unpublished stay with the borrowers who have them.
        kept = [s for s in self.borrower.services.all() if not s.published]
        changes["services"] = list(data["services"]) + kept
        return changes


class BorrowerPasswordForm(ChoosePasswordForm):
    """Byt lösenord: the rules of the borrower's own choice (BORROWER_PASSWORD_MIN_LENGTH
    characters, twice, not a common one), and not like the borrower's name or e-mail."""

    def __init__(self, *args, borrower: Borrower, **kwargs):
        self.borrower = borrower
        super().__init__(*args, **kwargs)

    def password_help(self) -> str:
        return gettext(
            "At least %(min)d characters. Not a common password, and not like the name or e-mail."
        ) % {"min": BORROWER_PASSWORD_MIN_LENGTH}

    def clean_new_password1(self):
        password = super().clean_new_password1()
        try:
            UserAttributeSimilarityValidator(
                user_attributes=("first_name", "last_name", "email")
            ).validate(password, self.borrower)
        except forms.ValidationError:
            raise forms.ValidationError(
                _(
                    "The password is too like the borrower's name or e-mail address. "
                    "Choose another one."
                ),
                code="too_similar",
            ) from None
        return password
