"""Demo staff accounts: MTM's admin work. They have the README's known password, so
they are made as `manage.py createsuperuser` makes an account (the manager's
create_user / create_superuser, after the model's validation), not by the admin's
add form, whose welcome mail lets the person choose a password. Idempotent: found by
e-mail; a rerun brings each back to the table's values, active, with the password."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, StaffUser
from libraries.models import Library

DEMO_PASSWORD = "Demo-register-2026"  # noqa: S105 - documented in the README, demo data only

#: The MTM account: staff of MTM, superuser, no library.
MTM_EMAIL = "mtm@mtm.example"

STAFF = [
    # e-mail, first name, last name, library, role
    (
        "registrerare@stadsbibliotek.example",
        "Rita",
        "Registrerare",
        "MTM:s stadsbibliotek",
        Role.REGISTRAR,
    ),
    (
        "huvudadmin@stadsbibliotek.example",
        "Hugo",
        "Huvudadmin",
        "MTM:s stadsbibliotek",
        Role.HEAD_ADMIN,
    ),
    (
        "formedlare@stadsbibliotek.example",
        "Frida",
        "Förmedlare",
        "MTM:s stadsbibliotek",
        Role.MEDIATOR,
    ),
    (
        "registrerare@sundbyberg.example",
        "Sune",
        "Sundberg",
        "Sundbybergs bibliotek",
        Role.REGISTRAR,
    ),
]

#: The demo MTM account's authenticator key: RFC 6238's test key, printed in the
#: README (base32 GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ). Demo data only.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


def seed_staff(libraries: dict[str, Library]) -> StaffUser:
    """Create or reset the demo staff accounts; returns the MTM account, which acts
    where a demo step is MTM's."""
    for email, first_name, last_name, library, role in STAFF:
        _staff_account(
            email,
            first_name=first_name,
            last_name=last_name,
            library=libraries[library],
            role=role,
            is_staff=False,
            is_superuser=False,
        )
    mtm = _staff_account(
        MTM_EMAIL,
        first_name="Maria",
        last_name="MTM",
        library=None,
        role="",
        is_staff=True,
        is_superuser=True,
    )
    _demo_second_factor(mtm)
    return mtm


def _staff_account(email: str, **fields) -> StaffUser:
    user = StaffUser.objects.with_email(email).first()
    if user is None:
        user = StaffUser(email=email, **fields)
        user.full_clean(exclude=["password"])
        create = (
            StaffUser.objects.create_superuser
            if fields["is_superuser"]
            else (StaffUser.objects.create_user)
        )
        return create(email, password=DEMO_PASSWORD, **fields)
    for name, value in fields.items():
        setattr(user, name, value)
    user.is_active = True
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.full_clean()
    user.save()
    return user


def _demo_second_factor(user: StaffUser) -> None:
    """MTM staff need a second factor for the admin: the demo account has an app with
    the README's key (`manage.py demo_otp_code mtm@mtm.example` prints its code).
    Enrolment (accounts.mfa) draws a random key; the demo's is fixed, so the device
    is made here. Any other app of the account goes."""
    TOTPDevice.objects.filter(user=user).exclude(key=DEMO_TOTP_KEY).delete()
    TOTPDevice.objects.get_or_create(
        user=user, key=DEMO_TOTP_KEY, defaults={"name": "demo", "confirmed": True}
    )
