"""MTM's own contact details, the one home of the number and address that pages,
mail and the protected identities' reminders give (`{% mtm_contact %}` and
`{% mtm_contact_details %}` in templates, mtm_contact_text() in messages)."""

from django.utils.translation import gettext_lazy as _

MTM_CONTACT = {
    "name": _("Swedish Agency for Accessible Media (MTM)"),
    "phone": "08-580 02 710",
    "email": "info@mtm.se",
    "website": "",
}


def mtm_contact_text() -> str:
    """MTM's phone and e-mail, as pages and messages give them: "08-580 02 710, info@mtm.se"."""
    return f"{MTM_CONTACT['phone']}, {MTM_CONTACT['email']}"
