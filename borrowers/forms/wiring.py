"""The reusable pieces that wire the borrower rules (borrowers/rules.py,
borrowers/identity.py) into every door's form: the registrar's create and edit
forms, the LMA → personnummer page, the student application and MTM's admin.

Each rule's form wiring lives here once; a door's form uses the piece instead of
writing the field, the clean method or the check again.
"""

from collections.abc import Callable
from datetime import date

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import LookupDoor, LookupMatch
from borrowers.forms.fields import SwedishDateField
from borrowers.identity import Identity
from borrowers.lookups import alert_protected_match, record_identity_lookup
from borrowers.rules import check_guardian_birth_date, guardian_required

#: The general error when the database refused a borrower's save that the form's
#: checks passed and, checked again, the form finds nothing to name
#: (core.forms.refused_save_message).
SAVE_REFUSED = _("The borrower could not be saved. Try again.")


# --- the agreement (SPEC §2: accepted at registration) -----------------------------------


def agreement_field() -> forms.BooleanField:
    """The agreement tick box of every registration: the registrar's four create
    forms, the LMA → personnummer page, the student application and the admin's add
    form. Required: no account is created without the agreement."""
    return forms.BooleanField(
        label=_(
            "I undertake to follow MTM's lending rules, and to keep myself informed of any "
            "changes to the lending rules."
        ),
        error_messages={
            "required": _(
                "Read the agreement text together with the borrower and tick the box to confirm it."
            )
        },
    )


def agreement_links(*, minor: bool, language: str = "") -> str:
    """The link to the Swedish agreement text and, when another language is chosen
    (or before one is, every other language), the text in that language too."""
    others = [(c, n) for c, n in settings.LANGUAGES if c != settings.LANGUAGE_CODE]
    if language and language != settings.LANGUAGE_CODE:
        others = [(c, n) for c, n in others if c == language]

    def link(code, text, lang=None):
        query = {
            **({"sprak": code} if code != settings.LANGUAGE_CODE else {}),
            **({"under-18": "1"} if minor else {}),
        }
        return format_html(
            '<a href="{}{}" target="_blank" rel="noopener"{}>{}<span class="visually-hidden"> '
            "{}</span></a>",
            reverse("borrowers:agreement"),
            f"?{urlencode(query)}" if query else "",
            format_html(' hreflang="{}"', lang) if lang else "",
            text,
            gettext("(opens in a new tab)"),
        )

    parts = [link(settings.LANGUAGE_CODE, gettext("Agreement text"))]
    parts += [
        link(code, gettext("Agreement text in %(language)s") % {"language": name}, code)
        for code, name in others
    ]
    return format_html_join(" · ", "{}", ((part,) for part in parts))


def chosen_language(form) -> str:
    """The language as typed (a failed submit), else as the form starts."""
    if form.is_bound:
        return form.data.get(form.add_prefix("language"), "")
    return form.initial.get("language", "")


def agreement_help(*, minor: bool, language: str = "") -> str:
    """The agreement box's help: who reads the agreement (a minor's guardian accepts
    it), with links to the text in force that open in a new tab (agreement_links)."""
    who = (
        gettext("Read the agreement together with the borrower's guardian, who accepts it:")
        if minor
        else gettext("Read the agreement together with the borrower who is being registered:")
    )
    return format_html("{} {}", who, agreement_links(minor=minor, language=language))


# --- the guardian (SPEC §2: a minor's guardian accepts the agreement) ----------------------


def guardian_birth_date_field(*, required: bool = True) -> SwedishDateField:
    """The guardian's date of birth, as every borrower form asks for it."""
    return SwedishDateField(
        label=_("Guardian's date of birth"),
        required=required,
        error_messages={"required": _("Enter the guardian's date of birth.")},
    )


def guardian_name_field(*, required: bool = True) -> forms.CharField:
    """The guardian's name (required for an LMA minor), as the registrar's forms ask for it."""
    return forms.CharField(
        label=_("Guardian's name"),
        max_length=200,
        required=required,
        error_messages={
            "required": _("Enter the guardian's name."),
            "max_length": _("The guardian's name can be at most 200 characters long."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class GuardianBirthDateMixin:
    """`clean_guardian_birth_date` for every borrower form with that field: the
    guardian is 18 or older (rules.check_guardian_birth_date). The form sets
    `self.today`."""

    today: date

    def clean_guardian_birth_date(self) -> date | None:
        born = self.cleaned_data.get("guardian_birth_date")
        check_guardian_birth_date(born, today=self.today)
        return born


def require_guardian(form, cleaned: dict, *, minor: bool, lma: bool) -> None:
    """For a form whose guardian fields are optional (the admin's, where the number
    decides the age): add an error to each guardian field that the rule
    (rules.guardian_required) needs and that is empty."""
    needs = guardian_required(minor=minor, lma=lma)
    if (
        needs.birth_date
        and cleaned.get("guardian_birth_date") is None
        and "guardian_birth_date" not in form.errors
    ):
        form.add_error(
            "guardian_birth_date",
            forms.ValidationError(
                _("Enter the guardian's date of birth."), code="required_for_minor"
            ),
        )
    if needs.name and not cleaned.get("guardian_name", "").strip():
        form.add_error(
            "guardian_name",
            forms.ValidationError(_("Enter the guardian's name."), code="required_for_lma"),
        )


# --- the registration ---------------------------------------------------------------------


def registration_arguments(data: dict, *, identity, minor: bool, library) -> dict:
    """Keyword arguments for Borrower.objects.register (and
    Borrower.replace_with_personnummer) from a registration form's cleaned data:
    the registrar's create forms and the admin's add form map their fields the same
    way (names stripped, guardian data kept only for a minor by register)."""
    return {
        "identity": identity,
        "email": data["email"],
        "valid_until": data.get("valid_until"),
        "services": list(data.get("services") or []),
        "library": library,
        "first_name": data.get("first_name", "").strip(),
        "last_name": data.get("last_name", "").strip(),
        "guardian_birth_date": data.get("guardian_birth_date"),
        "guardian_name": data.get("guardian_name", "").strip(),
        "minor": minor,
        "protected": bool(data.get("protected_identity")),
        "send_credentials": bool(data.get("send_credentials")),
        "language": data.get("language") or settings.LANGUAGE_CODE,
    }


# --- every identity lookup is a search (borrowers/lookups.py) ---------------------------


class IdentityLookupMixin:
    """For every registrar's form that asks "is this identifier or e-mail taken?":
    its clean step runs that lookup through `look_up`, which

    - before the first lookup of a submit checks the hourly search limit: past it,
      the form gets the search's own "too_many_searches" message as a form error
      and no lookup of this submit happens (no answer to learn from);
    - records each term looked up as a SEARCHED audit event (keyed hash only);
    - when the lookup answers CONTACT_MTM (a protected identity's number or
      address), tells MTM at once (lookups.alert_protected_match).

    The form sets `lookup_door` (a LookupDoor) and `registrar` (the staff member).
    Counted once per submit: full_clean starts a new one."""

    lookup_door: LookupDoor
    registrar = None

    def full_clean(self):
        self._lookups_done = 0
        self._lookup_refused = False
        super().full_clean()

    def look_up(
        self,
        check: Callable,
        *,
        default,
        identity: Identity | None = None,
        email: str | None = None,
    ):
        """`check()` (the lookup, e.g. rules.check_borrower_email) as a search of
        this door; `default` is what the clean step returns when the limit stops
        the lookup (the form is invalid then anyway)."""
        if self._lookup_refused:
            return default
        try:
            record_identity_lookup(
                self.registrar,
                identity=identity,
                email=email,
                door=self.lookup_door,
                check_limit=not self._lookups_done,
            )
        except forms.ValidationError as refused:
            self._lookup_refused = True
            self.add_error(None, refused)
            return default
        self._lookups_done += 1
        try:
            return check()
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "contact_mtm":
                alert_protected_match(
                    self.registrar,
                    door=self.lookup_door,
                    matched=LookupMatch.IDENTITY_NUMBER if identity else LookupMatch.EMAIL,
                )
            raise
