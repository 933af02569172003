"""Texts Mina sidor shows in more than one place."""

from django.utils.translation import gettext as _

from borrowers.contact import contact_for
from borrowers.models import Borrower


def contact_line(borrower: Borrower) -> str:
    """Who the borrower contacts: their library by name, or MTM for a protected identity."""
    contact = contact_for(borrower)
    parts = [str(contact["name"])]
    if contact.get("phone"):
        parts.append(_("phone %(phone)s") % {"phone": contact["phone"]})
    if contact.get("email"):
        parts.append(_("e-mail %(email)s") % {"email": contact["email"]})
    return ", ".join(parts)


def expired_message(borrower: Borrower) -> str:
    """Refusal of an account whose validity has passed (only told after the password
    was verified, so it reveals nothing to someone without it)."""
    values = {"date": f"{borrower.valid_until:%Y-%m-%d}", "contact": contact_line(borrower)}
    if not borrower.has_library:
        return (
            _(
                "Your account was valid until %(date)s and can no longer be used. "
                "Contact MTM if you want to extend it: %(contact)s."
            )
            % values
        )
    return (
        _(
            "Your account was valid until %(date)s and can no longer be used. "
            "Contact your library if you want to extend it: %(contact)s."
        )
        % values
    )
