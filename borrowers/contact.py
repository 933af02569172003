"""Who a borrower contacts about their account: the reminders and Mina sidor."""

from core.contact import MTM_CONTACT

from .models import Borrower


def contact_for(borrower: Borrower) -> dict:
    """Who the borrower asks to extend the account: their library (details missing
    on a branch come from its main library), or MTM for a protected identity (SPEC §2: they belong to no library)."""
    if not borrower.has_library:
        return MTM_CONTACT
    library = borrower.library
    main = library.main_library
    return {
        "name": library.name,
        "phone": library.phone or main.phone,
        "email": library.email or library.contact_email or main.email or main.contact_email,
        "website": library.website or main.website,
    }
