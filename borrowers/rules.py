"""The borrower rules of SPEC §2, each in one place.

Every door calls these functions: the registrar's create and edit forms, the
pull page and its workflow, MTM's admin (add and change). Each raises a
ValidationError with a code; docs/architecture.md ("The rules") lists them with
the tests that prove them. Identity numbers are read in identity.py; the rules
of a stored account (adult, expired, has a library) are Borrower's methods,
which the lists, Mina sidor, the login check API and the moves use.
"""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from core.contact import mtm_contact_text

from .identity import ADULT_AGE, Identity, Kind, years_ago
from .models import Borrower, IdKind

#: What a registrar is told when an identifier or e-mail belongs to a protected
#: identity. SECURITY: the same words whatever the reason, so that no registrar
#: learns more than that the person cannot be registered (SPEC §2).
CONTACT_MTM = _("The person cannot be registered here. Contact MTM: %(contact)s.")


def contact_mtm_error() -> forms.ValidationError:
    """CONTACT_MTM with MTM's contact details (core/contact.py), code "contact_mtm"."""
    return forms.ValidationError(
        CONTACT_MTM, code="contact_mtm", params={"contact": mtm_contact_text()}
    )


#: Also the LMA date fields' own "required" message, so that both say the same.
LMA_VALIDITY_REQUIRED = _("Enter the expiry date on the LMA card.")


# --- validity -------------------------------------------------------------------------


def latest_valid_until(kind: Kind, *, today: date) -> date | None:
    """The last day an account may be made valid until today; None: no limit.

    A samordningsnummer account is valid at most one year at a time (SPEC §2):
    until the same date next year, and from 29 February until 28 February.
    """
    if kind is not Kind.SAMORDNINGSNUMMER:
        return None
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def check_valid_until(
    kind: Kind, valid_until: date | None, *, today: date, saved: date | None = None
) -> None:
    """Validity (*Giltighetstid t.o.m.*) per kind of identifier.

    Required for a samordningsnummer (at most one year ahead) and for an LMA
    number (the card's expiry date); optional for a personnummer. A date that
    is not new (`saved`, the account's stored one) is not judged again, so an
    account can be edited without extending it first.
    """
    if valid_until is None:
        if kind is Kind.SAMORDNINGSNUMMER:
            raise forms.ValidationError(
                _(
                    "Enter the date until which the account is valid: a coordination "
                    "number needs one, at most one year ahead."
                ),
                code="required_for_samordningsnummer",
            )
        if kind is Kind.LMA:
            raise forms.ValidationError(LMA_VALIDITY_REQUIRED, code="required_for_lma")
        if kind is Kind.TEMPORARY:
            raise forms.ValidationError(
                _("Enter the date until which the account is valid: at most the end of studies."),
                code="required_for_temporary",
            )
        return
    if valid_until == saved:
        return
    if valid_until < today:
        if kind is Kind.LMA:
            raise forms.ValidationError(
                _(
                    "The LMA card has expired. An account needs a valid card: enter today's "
                    "date or a later one."
                ),
                code="past",
            )
        raise forms.ValidationError(
            _("The date has passed. Enter today's date or a later one."), code="past"
        )
    latest = latest_valid_until(kind, today=today)
    if latest is not None and valid_until > latest:
        raise forms.ValidationError(
            _(
                "An account with a coordination number is valid at most one year from today, "
                "until %(latest)s at the latest. It can be extended again later."
            ),
            code="too_far",
            params={"latest": f"{latest:%Y-%m-%d}"},
        )


def check_extension(kind: Kind, valid_until: date, *, today: date, current: date | None) -> None:
    """Förläng giltighetstid, many accounts at once: the new date is later than the
    account's (one valid until further notice is not shortened), an LMA account
    follows its card and is not extended from a list, and the new date passes the
    validity rule of the kind (check_valid_until)."""
    if kind is Kind.LMA:
        raise forms.ValidationError(
            _(
                "An LMA account is valid as long as the LMA card: change the date on the "
                "account when the borrower shows a new card."
            ),
            code="lma_follows_card",
        )
    if current is None or valid_until <= current:
        raise forms.ValidationError(
            _("The account is already valid until that date or longer."), code="not_later"
        )
    check_valid_until(kind, valid_until, today=today)


# --- the guardian --------------------------------------------------------------------


@dataclass(frozen=True)
class GuardianNeeds:
    birth_date: bool
    name: bool


def guardian_required(*, minor: bool, lma: bool) -> GuardianNeeds:
    """Which guardian data an account needs (SPEC §2): a minor's guardian accepts the
    agreement, so a minor needs the guardian's date of birth; an LMA minor also the
    guardian's name. `minor` comes from Identity.is_minor_on (an LMA holder as
    registered, anyone else by the number)."""
    return GuardianNeeds(birth_date=minor, name=minor and lma)


def check_guardian_birth_date(born: date | None, *, today: date) -> None:
    """The guardian who accepts the agreement for a minor is 18 or older (SPEC §2)."""
    if born is None:
        return
    if born > today:
        raise forms.ValidationError(
            _("The guardian's date of birth cannot be later than today."), code="future"
        )
    if born > years_ago(today, ADULT_AGE):
        raise forms.ValidationError(
            _("The guardian must be 18 or older. Check the guardian's date of birth."),
            code="guardian_minor",
        )


# --- e-mail -----------------------------------------------------------------------------


def _is_mtm(staff) -> bool:
    # MTM's staff have no library; they manage protected identities and correct numbers.
    return staff is not None and staff.library_id is None and staff.is_staff


def _excluding(queryset, exclude_pk):
    """`exclude_pk`: one account's pk, or several (a merge checks against both)."""
    if exclude_pk is None:
        return queryset
    if isinstance(exclude_pk, list | tuple | set | frozenset):
        return queryset.exclude(pk__in=exclude_pk)
    return queryset.exclude(pk=exclude_pk)


def check_borrower_email(email: str, *, staff, exclude_pk=None, holders=None) -> str:
    """A borrower's e-mail (their login): not the staff member's own address, and
    no other borrower's, whatever the letter case (SPEC §2). Returns it stripped.

    `exclude_pk`: the account being edited, or one the form already explains.
    Policy for a protected identity's address: a registrar gets CONTACT_MTM, as
    for its identifier (nothing more is said); MTM, who manage it, hear that the
    address is taken.

    `holders`: the borrowers holding the addresses of many rows, by lower-case
    address (Borrower.objects.with_emails), when the caller looked them up at once
    (the import's batches).
    """
    email = email.strip()
    if staff is not None and email.lower() == (staff.email or "").strip().lower():
        raise forms.ValidationError(
            _(
                "This is your own e-mail address. Enter the borrower's own address: you "
                "may not register yourself."
            ),
            code="own_email",
        )
    if holders is None:
        other = _excluding(Borrower.objects.with_email(email), exclude_pk)
        other = other.only("protected_identity").first()
    else:
        other = holders.get(email.lower())
        other = None if other is None or other.pk == exclude_pk else other
    if other is None:
        return email
    if other.protected_identity and not _is_mtm(staff):
        raise contact_mtm_error()
    raise email_taken_error()


def email_taken_error() -> forms.ValidationError:
    return forms.ValidationError(
        _(
            "Another borrower already uses this e-mail address. Each borrower needs "
            "their own, because it is their login."
        ),
        code="taken",
    )


# --- identifiers ----------------------------------------------------------------------


def check_identifier_free(identity: Identity, *, staff, exclude_pk=None) -> None:
    """One account per person in the whole country (SPEC §2).

    The create forms explain further (which library has the person); a
    protected identity's number gets CONTACT_MTM at every registrar door."""
    other = _excluding(Borrower.objects.filter(identifier=identity.value), exclude_pk)
    other = other.only("protected_identity").first()
    if other is None:
        return
    if other.protected_identity and not _is_mtm(staff):
        raise contact_mtm_error()
    raise forms.ValidationError(
        _(
            "Another borrower account already has this number. One person has one account "
            "in the whole country; contact MTM if you need help."
        ),
        code="taken",
    )


def lma_to_personnummer_error() -> forms.ValidationError:
    return forms.ValidationError(
        _(
            "An LMA account cannot be changed into an account with a personal identity "
            "number. When the person has got a personal identity number, create a new "
            "account with it and then delete this account with the LMA number."
        ),
        code="lma_to_personnummer",
    )


def check_identifier_change(borrower: Borrower, identity: Identity, *, staff) -> None:
    """What may change on an account's number (SPEC §2):

    - an LMA number may be replaced by another (a new card), never by a
      personnummer or samordningsnummer (a new account is created instead), nor
      the other way round;
    - a samordningsnummer may be replaced by the same person's personnummer;
    - anything else only by MTM, who correct mistyped numbers.
    """
    if identity.value == borrower.identifier:
        return
    was_lma = borrower.id_kind == IdKind.LMA
    if was_lma != (identity.kind is Kind.LMA):
        if was_lma:
            raise lma_to_personnummer_error()
        raise forms.ValidationError(
            _(
                "An account with a personal identity number or coordination number cannot be "
                "changed into an LMA account. Create a new account with the LMA number and "
                "then delete this one."
            ),
            code="personnummer_to_lma",
        )
    if was_lma:
        return
    temporary = (IdKind.SAMORDNINGSNUMMER, IdKind.TEMPORARY)
    if borrower.id_kind in temporary and identity.kind is Kind.PERSONNUMMER:
        if not borrower.is_replaced_by(identity):
            raise forms.ValidationError(
                _(
                    "The personal identity number must have the same date of birth as "
                    "the coordination number it replaces."
                ),
                code="other_person",
            )
        return
    if not _is_mtm(staff):
        raise forms.ValidationError(
            _(
                "The number cannot be changed. Only a coordination number can be replaced, "
                "by the same person's personal identity number. Contact MTM if the number "
                "is wrong."
            ),
            code="unchangeable",
        )
