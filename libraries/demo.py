"""Demo libraries and staff accounts (manage.py seed_demo). Idempotent."""

from accounts.models import Role, StaffUser

from .models import County, Library, LibraryType, Municipality

DEMO_PASSWORD = "Demo-register-2026"  # noqa: S105 - documented in the README, demo data only

LIBRARIES = [
    # name, type, municipality (None: a region's library), parent, contact details
    (
        "MTM:s stadsbibliotek",
        LibraryType.PUBLIC,
        "Stockholm",
        None,
        {
            "contact_name": "Tove Talbok",
            "contact_email": "talbok@stadsbibliotek.example",
            "street_address": "Sveavägen 73",
            "postal_code": "113 50",
            "city": "Stockholm",
            "email": "info@stadsbibliotek.example",
            "phone": "08-508 310 00",
            "website": "https://stadsbibliotek.example",
        },
    ),
    (
        "MTM:s stadsbibliotek – Kista filial",
        LibraryType.PUBLIC,
        "Stockholm",
        "MTM:s stadsbibliotek",
        {"street_address": "Kista galleria", "postal_code": "164 91", "city": "Kista"},
    ),
    (
        "MTM:s stadsbibliotek – Skärholmens filial",
        LibraryType.PUBLIC,
        "Stockholm",
        "MTM:s stadsbibliotek",
        {"city": "Skärholmen"},
    ),
    (
        "Sundbybergs bibliotek",
        LibraryType.PUBLIC,
        "Sundbyberg",
        None,
        {
            "contact_name": "Sara Sund",
            "contact_email": "talbok@sundbyberg.example",
            "street_address": "Kyrkogatan 2",
            "postal_code": "172 63",
            "city": "Sundbyberg",
            "phone": "08-706 80 00",
        },
    ),
    (
        "Göteborgs universitetsbibliotek",
        LibraryType.UNIVERSITY,
        "Göteborg",
        None,
        {
            "contact_name": "Ulla Universitet",
            "contact_email": "talbok@ub.gu.example",
            "city": "Göteborg",
        },
    ),
    (
        "Malmö stadsbibliotek",
        LibraryType.PUBLIC,
        "Malmö",
        None,
        {"contact_name": "Maja Malm", "city": "Malmö"},
    ),
    ("Regionbibliotek Uppsala", LibraryType.REGIONAL, "Uppsala", None, {"city": "Uppsala"}),
    (
        "Patientbiblioteket Norrlands universitetssjukhus",
        LibraryType.HOSPITAL,
        "Umeå",
        None,
        {"city": "Umeå"},
    ),
    ("Katedralskolans skolbibliotek", LibraryType.SCHOOL, "Lund", None, {"city": "Lund"}),
    # A region's library: filed under its county, with no municipality.
    (
        "Sjukhusbiblioteken i Jämtlands län",
        LibraryType.HOSPITAL,
        None,
        None,
        {"county": "Jämtlands län", "city": "Östersund"},
    ),
]

#: Each demo library's sigel: made up (Demo…), so that none is a real library's.
SIGELS = {
    "MTM:s stadsbibliotek": "DemoStad",
    "MTM:s stadsbibliotek – Kista filial": "DemoKista",
    "MTM:s stadsbibliotek – Skärholmens filial": "DemoSkh",
    "Sundbybergs bibliotek": "DemoSund",
    "Göteborgs universitetsbibliotek": "DemoGub",
    "Malmö stadsbibliotek": "DemoMalm",
    "Regionbibliotek Uppsala": "DemoUpps",
    "Patientbiblioteket Norrlands universitetssjukhus": "DemoNus",
    "Katedralskolans skolbibliotek": "DemoKat",
    "Sjukhusbiblioteken i Jämtlands län": "DemoJmt",
}

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


def seed_libraries() -> dict[str, Library]:
    libraries = {}
    for name, library_type, municipality, parent, details in LIBRARIES:
        details = dict(details)
        if municipality is None:
            place = {"county": County.objects.get(name=details.pop("county")), "municipality": None}
        else:
            municipality = Municipality.objects.get(name=municipality)
            place = {"county": municipality.county, "municipality": municipality}
        library, _ = Library.objects.update_or_create(
            name=name,
            defaults={
                "sigel": SIGELS[name],
                "library_type": library_type,
                **place,
                "parent": libraries.get(parent),
                "active": True,
                **details,
            },
        )
        libraries[name] = library
    return libraries


def seed_staff(libraries: dict[str, Library]) -> None:
    for email, first_name, last_name, library, role in STAFF:
        _upsert_staff(
            email, first_name=first_name, last_name=last_name, library=libraries[library], role=role
        )
    mtm = _upsert_staff(
        "mtm@mtm.example",
        first_name="Maria",
        last_name="MTM",
        library=None,
        role="",
        is_staff=True,
        is_superuser=True,
    )
    _demo_second_factor(mtm)


def _upsert_staff(email, **fields):
    user = StaffUser.objects.filter(email__iexact=email).first() or StaffUser(email=email)
    for name, value in fields.items():
        setattr(user, name, value)
    user.is_active = True
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.save()
    return user


#: The demo MTM account's authenticator key: RFC 6238's test key, printed in the
#: README (base32 GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ). Demo data only.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


def _demo_second_factor(user):
    """MTM staff need a second factor for the admin: the demo account has an app
    device with the README's key (`manage.py demo_otp_code mtm@mtm.example`)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).exclude(key=DEMO_TOTP_KEY).delete()
    TOTPDevice.objects.get_or_create(
        user=user, key=DEMO_TOTP_KEY, defaults={"name": "demo", "confirmed": True}
    )
