"""MTM's own contact details, the one home of the number and address that pages,
mail and the protected identities' reminders give (`{% mtm_contact %}` in templates)."""

MTM_CONTACT = {
    "name": "Myndigheten för tillgängliga medier (MTM)",
    "phone": "08-580 02 710",
    "email": "info@mtm.se",
    "website": "",
}
