"""The four create forms (SPEC §2 Borrowers, §3) and the borrower's set-password form.

One hierarchy: `RegisterBorrowerForm` holds what every form shares; the two
identifier families (personnummer/samordningsnummer, LMA number) differ in the
identifier field and the validity rules, and `minor` adds the guardian fields.
"""

from datetime import date

from crispy_forms.layout import Layout
from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import LookupDoor
from borrowers import duplicates
from borrowers.forms.fields import LmaNumberField, PersonalNumberField, SwedishDateField
from borrowers.forms.language import LanguageFieldMixin
from borrowers.forms.layout import create_layout
from borrowers.forms.wiring import (
    GuardianBirthDateMixin,
    IdentityLookupMixin,
    agreement_field,
    agreement_help,
    chosen_language,
    guardian_birth_date_field,
    guardian_name_field,
    registration_arguments,
)
from borrowers.identity import Identity, IdentityError, Kind, parse_personal_number
from borrowers.models import Borrower, Service
from borrowers.policy import BORROWER_PASSWORD_MIN_LENGTH
from borrowers.rules import (
    LMA_VALIDITY_REQUIRED,
    check_borrower_email,
    check_valid_until,
    contact_mtm_error,
    guardian_required,
)
from core.forms import Form
from libraries.models import Library


class LibraryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, library):
        if library.is_branch:
            return library.name
        return gettext("%(name)s (main library)") % {"name": library.name}


class RegisterBorrowerForm(IdentityLookupMixin, LanguageFieldMixin, GuardianBirthDateMixin, Form):
    """What the four create forms share. Subclasses set `minor` and the identifier family."""

    #: The order the fields are checked in (the page's order is the layout's):
    #: clean_email needs to know whose the identifier is.
    field_order = ["identifier"]

    minor = False
    lma = False
    allows_protected_identity = False
    #: The page heading and menu text; the URL name of the form.
    title = ""
    url_name = ""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={
            "required": _("Enter the borrower's first name."),
            "max_length": _("The first name can be at most 100 characters long."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        error_messages={
            "required": _("Enter the borrower's last name."),
            "max_length": _("The last name can be at most 100 characters long."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_(
            "The borrower's own address. It is the login to Legimus, so every borrower "
            "needs their own."
        ),
        error_messages={
            "required": _("Enter the borrower's e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.se."),
            "max_length": _("The e-mail address can be at most 254 characters long."),
        },
        # SECURITY/1.3.5: staff type a third person's address; no autofill of their own.
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Published user groups"),
        queryset=Service.objects.filter(published=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Choose only among the user groups shown."),
            "invalid_pk_value": _("Choose only among the user groups shown."),
            "invalid_list": _("Choose only among the user groups shown."),
        },
    )
    send_credentials = forms.BooleanField(
        label=_("Send login details by e-mail"),
        required=False,
        initial=True,
        help_text=_(
            "The borrower gets an e-mail with their login and a link, valid for 14 days, "
            "to choose their own password. If you untick the box, the account has no "
            "password that works until a registrar sets one with Change password on the "
            "borrower's page."
        ),
    )
    agreement = agreement_field()

    def __init__(self, *args, registrar, initial_library=None, **kwargs):
        self.registrar = registrar
        self.today = timezone.localdate()
        #: Set by validation for the page to explain: the borrower who already has
        #: the identifier (never a protected one), and the form to use instead.
        self.registered_here = None
        self.registered_elsewhere = None
        self.right_form = None
        self.right_form_title = ""
        self._identifier_owner_pk = None
        #: Likely duplicates at the registrar's library the page warns about
        #: (duplicates.py); the codes already warned about come back with the form.
        self.duplicates = []
        super().__init__(*args, **kwargs)
        self.duplicates_seen = set(self.data.get("duplicate_seen", "").split(",")) - {""}

        libraries = self._libraries()
        # The choice exists only where there is something to choose (SPEC §2 Branches).
        if len(libraries) > 1:
            self.fields["library"] = LibraryChoiceField(
                label=_("Library"),
                # SECURITY: the registrar's own main library and its branches; the
                # queryset is the server-side validation of the choice.
                queryset=self._library_queryset(),
                empty_label=None,
                initial=self._initial_library(libraries, initial_library),
                help_text=_("The main library, or one of its branches."),
                error_messages={
                    "required": _("Choose the library the borrower belongs to."),
                    "invalid_choice": _("Choose one of the libraries in the list."),
                },
            )
            self.apply_house_rules([self.fields["library"]])
        needs = guardian_required(minor=self.minor, lma=self.lma)
        if needs.birth_date:
            self.fields["guardian_birth_date"] = guardian_birth_date_field()
            self.apply_house_rules([self.fields["guardian_birth_date"]])
        if needs.name:
            self.fields["guardian_name"] = guardian_name_field()
            self.apply_house_rules([self.fields["guardian_name"]])
        self.fields["agreement"].help_text = agreement_help(
            minor=self.minor, language=chosen_language(self)
        )
        if self.allows_protected_identity and self._protected_ticked():
            # A protected account stores no names: they may be left empty.
            self.fields["first_name"].required = False
            self.fields["last_name"].required = False

    def layout(self) -> Layout:
        return create_layout(lma=self.lma)

    # --- building -----------------------------------------------------------

    def _library_queryset(self):
        # SECURITY: the registrar's main library and its open branches.
        return Library.objects.choosable_by(self.registrar)

    def _libraries(self) -> list:
        if not hasattr(self, "_library_list"):
            self._library_list = list(self._library_queryset())
        return self._library_list

    def _initial_library(self, libraries, wanted):
        # ?bibliotek=<pk> from a branch page; anything outside the scope is ignored.
        for library in libraries:
            if str(library.pk) == str(wanted):
                return library.pk
        return self.registrar.library.main_library.pk

    def _protected_ticked(self) -> bool:
        if not self.is_bound:
            return False
        widget = forms.CheckboxInput()
        return widget.value_from_datadict(
            self.data, self.files, self.add_prefix("protected_identity")
        )

    # --- validation ---------------------------------------------------------

    def clean_identifier(self) -> Identity | None:
        identity = self.cleaned_data.get("identifier")
        if identity is None:
            return None
        return self.look_up(
            lambda: self._check_identifier(identity), identity=identity, default=identity
        )

    def _check_identifier(self, identity: Identity) -> Identity:
        existing = (
            Borrower.objects.filter(identifier=identity.value).select_related("library").first()
        )
        if existing is not None:
            self._identifier_owner_pk = existing.pk
            if existing.protected_identity:
                raise contact_mtm_error()
            # SECURITY: "own library" is decided by the one scoping door.
            if Borrower.objects.visible_to(self.registrar).filter(pk=existing.pk).exists():
                self.registered_here = existing
                raise forms.ValidationError(
                    _("The person already has an account at %(library)s."),
                    code="registered_here",
                    params={"library": existing.library.name},
                )
            self.registered_elsewhere = existing
            raise forms.ValidationError(
                _("The person already has an account at another library: %(library)s."),
                code="registered_elsewhere",
                params={"library": existing.library.name},
            )
        self.check_age(identity)
        return identity

    def check_age(self, identity: Identity) -> None:
        """Adult or minor comes from the number; LMA forms have no birth date."""

    def clean_email(self) -> str:
        # The identifier's owner: its error already says it (and keeps the form
        # invalid): one problem, one message.
        email = self.cleaned_data["email"]
        return self.look_up(
            lambda: check_borrower_email(
                email, staff=self.registrar, exclude_pk=self._identifier_owner_pk
            ),
            email=email,
            default=email,
        )

    def clean(self):
        data = super().clean()
        identity = data.get("identifier")
        # Without a valid number the form's family still tells a date in the past.
        kind = identity.kind if identity else (Kind.LMA if self.lma else Kind.PERSONNUMMER)
        if "valid_until" not in self.errors:
            try:
                check_valid_until(kind, data.get("valid_until"), today=self.today)
            except forms.ValidationError as error:
                self.add_error("valid_until", error)
        if not self.errors:
            self._check_duplicates(data)
        return data

    def duplicate_exclude(self) -> list[int]:
        """Accounts that are not a duplicate of the one being registered."""
        return []

    def _check_duplicates(self, data) -> None:
        """A warning that a second *Spara* passes: the same names and birth date (or
        the same names on an LMA account) at the registrar's own library."""
        found = list(
            duplicates.at_own_library(
                self.registrar,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                birth_date=data["identifier"].birth_date,
                exclude=self.duplicate_exclude(),
            )[:5]
        )
        if {str(b.code) for b in found} <= self.duplicates_seen:
            return
        self.duplicates = found
        self.add_error(
            None,
            forms.ValidationError(
                _(
                    "Your library already has a borrower with the same name and date of "
                    "birth (or the same name on an LMA account). Check that it is not the "
                    "same person. If it is another person, press Save again."
                ),
                code="possible_duplicate",
            ),
        )

    @property
    def duplicate_seen_value(self) -> str:
        """For the hidden field that lets the second *Spara* through."""
        return ",".join(sorted(self.duplicates_seen | {str(b.code) for b in self.duplicates}))

    # --- result -------------------------------------------------------------

    @property
    def library_choice(self) -> bool:
        return "library" in self.fields

    def registration(self) -> dict:
        """Keyword arguments for Borrower.objects.register."""
        data = self.cleaned_data
        return registration_arguments(
            data,
            identity=data["identifier"],
            minor=self.minor,
            library=data.get("library") or self.registrar.library.main_library,
        )


class PersonalNumberRegisterForm(RegisterBorrowerForm):
    """Skapa vuxen låntagare / Skapa låntagare under 18 år: personnummer or samordningsnummer."""

    allows_protected_identity = True

    identifier = PersonalNumberField(
        label=_("Personal or coordination number"),
        error_messages={
            "required": _("Enter the borrower's personal identity number or coordination number.")
        },
    )
    valid_until = SwedishDateField(
        label=_("Valid until (inclusive)"),
        required=False,
        help_text=_(
            "Leave empty for an account that is valid until further notice. Required for a "
            "coordination number: at most one year from today. Write the date as YYYY-MM-DD."
        ),
    )
    protected_identity = forms.BooleanField(
        label=_("Protected identity"),
        required=False,
        help_text=_(
            "The account is handed over to MTM: only the number, the e-mail address, the "
            "validity and the user groups are saved, no names and no library. After saving, "
            "neither you nor any other registrar can see the account."
        ),
    )

    def check_age(self, identity: Identity) -> None:
        adult = identity.is_adult_on(self.today)
        if adult and self.minor:
            self.right_form = "borrowers:create_adult"
            self.right_form_title = AdultBorrowerForm.title
            raise forms.ValidationError(
                _(
                    "The number belongs to a person who is 18 or older. Register them with "
                    "the form Create adult borrower."
                ),
                code="adult",
            )
        if not adult and not self.minor:
            self.right_form = "borrowers:create_minor"
            self.right_form_title = MinorBorrowerForm.title
            raise forms.ValidationError(
                _(
                    "The number belongs to a person under 18. Register them with the form "
                    "Create borrower under 18."
                ),
                code="minor",
            )


class LmaRegisterForm(RegisterBorrowerForm):
    """Skapa (vuxen) låntagare (under 18 år) med LMA-kort: the account expires with the card."""

    lma = True

    identifier = LmaNumberField(
        label=_("LMA number"),
        error_messages={
            "required": _("Enter the LMA number from the LMA card, written XX-XXXXXX.")
        },
    )
    valid_until = SwedishDateField(
        label=_("LMA card valid until"),
        help_text=_(
            "The expiry date on the LMA card. The account is valid until the same date. "
            "Write the date as YYYY-MM-DD."
        ),
        error_messages={"required": LMA_VALIDITY_REQUIRED},
    )


class AdultBorrowerForm(PersonalNumberRegisterForm):
    lookup_door = LookupDoor.CREATE_ADULT
    title = _("Create adult borrower")
    url_name = "borrowers:create_adult"


class MinorBorrowerForm(PersonalNumberRegisterForm):
    lookup_door = LookupDoor.CREATE_MINOR
    minor = True
    title = _("Create borrower under 18")
    url_name = "borrowers:create_minor"


class LmaAdultBorrowerForm(LmaRegisterForm):
    lookup_door = LookupDoor.CREATE_LMA_ADULT
    title = _("Create adult borrower with LMA card")
    url_name = "borrowers:create_lma_adult"


class LmaMinorBorrowerForm(LmaRegisterForm):
    lookup_door = LookupDoor.CREATE_LMA_MINOR
    minor = True
    title = _("Create borrower under 18 with LMA card")
    url_name = "borrowers:create_lma_minor"


#: URL kind -> form, in the order of the Skapa menu.
CREATE_FORMS = {
    "adult": AdultBorrowerForm,
    "minor": MinorBorrowerForm,
    "lma_adult": LmaAdultBorrowerForm,
    "lma_minor": LmaMinorBorrowerForm,
}


class ChoosePasswordForm(Form):
    """The borrower chooses their own password from the link in the credentials mail."""

    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        error_messages={"required": _("Enter a password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "data-password": ""}),
    )
    new_password2 = forms.CharField(
        label=_("Repeat new password"),
        strip=False,
        error_messages={"required": _("Enter the password again.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "data-password": ""}),
    )

    #: The new password twice; a form that asks for the current one puts it first.
    NEW_PASSWORD = ("new_password1", "new_password2")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = self.password_help()

    def password_help(self) -> str:
        return gettext(
            "At least %(min)d characters. A short sentence is easy to remember and hard to guess."
        ) % {"min": BORROWER_PASSWORD_MIN_LENGTH}

    def layout(self) -> Layout:
        return Layout(*self.NEW_PASSWORD)

    VALIDATORS = [
        password_validation.MinimumLengthValidator(BORROWER_PASSWORD_MIN_LENGTH),
        password_validation.CommonPasswordValidator(),
    ]
    MESSAGES = {
        "password_too_short": _("The password is too short: it needs at least %(min)d characters."),
        "password_too_common": _(
            "The password is too common and easy to guess. Choose another one."
        ),
    }

    def clean_new_password1(self) -> str:
        password = self.cleaned_data["new_password1"]
        try:
            password_validation.validate_password(password, password_validators=self.VALIDATORS)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                [
                    forms.ValidationError(
                        self.MESSAGES[e.code],
                        code=e.code,
                        params={"min": BORROWER_PASSWORD_MIN_LENGTH},
                    )
                    if e.code in self.MESSAGES
                    else e
                    for e in error.error_list
                ]
            ) from None
        return password

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error(
                "new_password2",
                forms.ValidationError(
                    _("The two passwords are not the same. Type the same password twice."),
                    code="mismatch",
                ),
            )
        return data


# --- Personen har fått personnummer (an LMA account becomes a personnummer account) ----


class LmaReplacementMixin:
    """The adult or minor create form for the new account of an LMA holder who has got
    a personal identity number, prefilled from the LMA account. Saving deletes the LMA
    account (Borrower.replace_with_personnummer), so its e-mail address may be reused."""

    lookup_door = LookupDoor.REPLACE_LMA

    def __init__(self, *args, replaces: Borrower, **kwargs):
        self.replaces = replaces
        kwargs.setdefault("initial", self._prefill(replaces))
        super().__init__(*args, initial_library=replaces.library_id, **kwargs)
        # A protected identity is registered from scratch, with MTM (SPEC §2).
        self.fields.pop("protected_identity", None)
        self.fields["send_credentials"].label = _("Send a link for choosing a new password")
        self.fields["send_credentials"].help_text = _(
            "The borrower gets one e-mail in any case: their login is unchanged, and the "
            "password of the LMA account keeps working. Tick the box to add a link, valid "
            "for 14 days, to choose a new password."
        )

    @staticmethod
    def _prefill(lma: Borrower) -> dict:
        return {
            "first_name": lma.first_name,
            "last_name": lma.last_name,
            "email": lma.email,
            "services": [s.pk for s in lma.services.all() if s.published],
            "guardian_birth_date": lma.guardian_birth_date,
            "send_credentials": not lma.has_usable_password(),
        }

    def duplicate_exclude(self) -> list[int]:
        return [self.replaces.pk]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if Borrower.objects.with_email(email).filter(pk=self.replaces.pk).exists():
            # The LMA account's own address: it moves to the new account. (No lookup
            # of anyone else: not a search.)
            return check_borrower_email(email, staff=self.registrar, exclude_pk=self.replaces.pk)
        return super().clean_email()


class LmaToAdultForm(LmaReplacementMixin, AdultBorrowerForm):
    pass


class LmaToMinorForm(LmaReplacementMixin, MinorBorrowerForm):
    pass


def replacement_form_class(lma: Borrower, data, *, today: date):
    """Adult or minor from the new number as typed; before one is typed (or while it
    does not read as a number), as the LMA account was registered."""
    try:
        identity = parse_personal_number((data or {}).get("identifier", ""), today=today)
    except IdentityError:
        identity = lma.identity
    minor = identity.is_minor_on(today, registered_as_minor=lma.registered_as_minor)
    return LmaToMinorForm if minor else LmaToAdultForm
