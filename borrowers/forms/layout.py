"""The pieces the borrower forms are built of (crispy layout objects), each defined
once: the four create forms, the LMA → personnummer form and Redigera låntagare
put them in their own order. A piece may name a field a form has only sometimes
(the library choice, the guardian's name): core.forms.prune leaves it out."""

from crispy_forms.layout import Fieldset, Layout
from django.utils.translation import gettext_lazy as _

#: The handbook's step 3: read the agreement with the borrower, then tick it,
#: before the form is filled in.
AGREEMENT = ("agreement",)
#: Where the account belongs and whose it is; an edit form of an LMA account
#: names its number lma_number.
IDENTITY = ("library", "identifier", "lma_number")
NAMES = ("first_name", "last_name")
#: The borrower's language goes with the address their mail goes to.
CONTACT = ("email", "language")
VALIDITY = ("valid_until",)
SERVICES = ("services",)
PROTECTED_IDENTITY = ("protected_identity",)
CREDENTIALS = ("send_credentials",)


def guardian() -> Fieldset:
    """The guardian's details of a borrower under 18, one group under one legend."""
    return Fieldset(_("Guardian"), "guardian_birth_date", "guardian_name")


def create_layout(*, lma: bool) -> Layout:
    """Skapa låntagare: an LMA card's validity is typed with its number, from the card;
    a personnummer account's (optional) validity comes after the contact details."""
    return Layout(
        *AGREEMENT,
        *IDENTITY,
        *(VALIDITY if lma else ()),
        *NAMES,
        *CONTACT,
        *(() if lma else VALIDITY),
        guardian(),
        *SERVICES,
        *PROTECTED_IDENTITY,
        *CREDENTIALS,
    )


def edit_layout() -> Layout:
    """Redigera låntagare: the details as saved, in the order of the borrower's page."""
    return Layout(*IDENTITY, *NAMES, *CONTACT, *VALIDITY, guardian(), *SERVICES)
