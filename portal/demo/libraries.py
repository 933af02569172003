"""Demo libraries: MTM's admin work, as the admin's library form does it (the
model's own validation, full_clean, then save). Idempotent: found by name, and a
rerun brings each back to the table's values (active again if it was deactivated)."""

from libraries.models import County, Library, LibraryType, Municipality

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


def seed_libraries() -> dict[str, Library]:
    """Create or reset the demo libraries; returns them by name."""
    libraries: dict[str, Library] = {}
    for name, library_type, municipality, parent, details in LIBRARIES:
        library = Library.objects.filter(name=name).first() or Library(name=name)
        details = dict(details)
        if municipality is None:
            place = {"county": County.objects.get(name=details.pop("county")), "municipality": None}
        else:
            municipality = Municipality.objects.get(name=municipality)
            place = {"county": municipality.county, "municipality": municipality}
        fields = {
            "sigel": SIGELS[name],
            "library_type": library_type,
            **place,
            "parent": libraries.get(parent),
            "active": True,
            **details,
        }
        for field, value in fields.items():
            setattr(library, field, value)
        library.full_clean()
        library.save()
        libraries[name] = library
    return libraries
