"""Demo borrowers (manage.py seed_demo). Idempotent: update_or_create by identifier,
with dates relative to the day it runs, so a rerun brings every borrower back to
its demo state (expired, expiring soon …).

Identity numbers: ONLY Skatteverket's reserved test numbers, copied from
tests/data/testpersonnummer.txt and tests/data/testsamordningsnummer.txt.
LMA numbers have no reserved range: 99-0000xx are obviously made up.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from audit.log import record
from audit.models import Action, AuditEvent
from libraries.models import Library

from .identity import parse_lma_number, parse_personal_number
from .models import Borrower, Service

MAIN = "MTM:s stadsbibliotek"
KISTA = "MTM:s stadsbibliotek – Kista filial"
SKARHOLMEN = "MTM:s stadsbibliotek – Skärholmens filial"
SUNDBYBERG = "Sundbybergs bibliotek"
GOTEBORG = "Göteborgs universitetsbibliotek"

# kind, identifier, first name, last name, library, validity in days from today
# (None: until further notice; negative: expired), services
BORROWERS = [
    # Adults with a personnummer (Skatteverket test numbers).
    ("adult", "194202138014", "Astrid", "Alm", MAIN, None, ["Laddare"]),
    ("adult", "195102031753", "Bengt", "Björk", MAIN, None, ["Strömmare"]),
    ("adult", "195801263053", "Cecilia", "Cederholm", MAIN, 200, ["Laddare", "Strömmare"]),
    ("adult", "196301202633", "David", "Dahl", MAIN, -20, ["TBK Talboken kommer"]),
    ("adult", "196705203252", "Eva", "Ek", MAIN, 6, ["Laddare"]),
    ("adult", "197902069272", "Fredrik", "Fors", MAIN, 13, []),
    ("adult", "198302099265", "Greta", "Gran", KISTA, None, ["Strömmare"]),
    ("adult", "198802192388", "Hassan", "Hammar", KISTA, -3, ["Laddare"]),
    ("adult", "199101022383", "Ida", "Ingvarsson", SKARHOLMEN, 10, ["Laddare"]),
    ("adult", "199401032397", "Johan", "Jansson", SUNDBYBERG, None, ["Laddare"]),
    ("adult", "199701032394", "Karin", "Kvist", SUNDBYBERG, 2, ["Strömmare"]),
    ("adult", "199901042383", "Leila", "Lind", GOTEBORG, 300, ["Laddare", "Strömmare"]),
    ("adult", "200101032381", "Mats", "Mörk", GOTEBORG, -60, ["Laddare"]),
    ("adult", "200401032396", "Nadia", "Nord", MAIN, None, ["Laddare"]),
    # Minors with a personnummer (the guardian accepted the agreement).
    ("minor", "200901092387", "Olle", "Ohlin", MAIN, None, ["Laddare"]),
    ("minor", "201102272398", "Petra", "Palm", MAIN, 9, ["Strömmare"]),
    ("minor", "201202242382", "Quentin", "Qvarnström", KISTA, None, ["TBK Talboken kommer"]),
    ("minor", "201401052392", "Rut", "Rask", SKARHOLMEN, -10, ["Laddare"]),
    ("minor", "201601052390", "Sami", "Sjöberg", SUNDBYBERG, None, ["Laddare"]),
    ("minor", "201801052398", "Tuva", "Torn", MAIN, None, []),
    # Samordningsnummer (validity required, at most a year ahead).
    ("adult", "196003612386", "Umar", "Udd", MAIN, 150, ["Laddare"]),
    ("adult", "196009882397", "Vera", "Vik", MAIN, 5, ["Strömmare"]),
    ("adult", "196109682390", "Wilhelm", "Wall", KISTA, -30, ["Laddare"]),
    ("adult", "196210662398", "Xenia", "Xavier", SUNDBYBERG, 90, ["Laddare"]),
    ("minor", "201005692387", "Yusuf", "Yilmaz", MAIN, 120, ["Laddare"]),
    # LMA card holders: made-up numbers 99-0000xx, no reserved range exists.
    ("lma_adult", "99000001", "Zainab", "Zaki", MAIN, 180, ["Laddare"]),
    ("lma_adult", "99000002", "Ahmad", "Amiri", MAIN, 12, ["Strömmare"]),
    ("lma_adult", "99000003", "Berhane", "Bekele", KISTA, -5, ["Laddare"]),
    ("lma_adult", "99000004", "Dilan", "Demir", SUNDBYBERG, 60, ["Laddare"]),
    ("lma_minor", "99000005", "Elif", "Ekinci", MAIN, 180, ["Laddare"]),
    ("lma_minor", "99000006", "Farid", "Farah", SKARHOLMEN, 4, ["Strömmare"]),
]

#: A protected identity: only identifier, e-mail, validity and services.
PROTECTED_NUMBER = "197504249215"

GUARDIAN_BIRTH_DATE = date(1980, 5, 17)


def _email(first_name: str, last_name: str) -> str:
    local = f"{first_name}.{last_name}".lower().translate(str.maketrans("åäöé", "aaoe"))
    return f"{local}@post.example"


def _registered(index: int) -> dict:
    """A new demo borrower's registration time: spread over the last 14 months, so that
    Statistik has months to show. Set on creation only: a rerun keeps the history."""
    at = timezone.now() - timedelta(days=(index * 37) % 420 + 1)
    return {"created_at": at, "agreement_accepted_at": at}


def _update_or_create(index: int, identifier: str, defaults: dict) -> Borrower:
    borrower, _ = Borrower.objects.update_or_create(
        identifier=identifier,
        defaults=defaults,
        create_defaults={**defaults, **_registered(index)},
    )
    # One registration event per demo borrower, as a real registration leaves behind
    # (and what Statistik counts). The audit log is append-only: written once.
    if not AuditEvent.objects.filter(action=Action.CREATED, borrower_code=borrower.code).exists():
        record(Action.CREATED, borrower=borrower, at=borrower.created_at, via="demo")
    return borrower


def seed_borrowers(libraries: dict[str, Library]) -> int:
    """Create or reset the demo borrowers; returns how many there are."""
    today = timezone.localdate()
    services = {service.name: service for service in Service.objects.all()}
    with transaction.atomic():
        for index, row in enumerate(BORROWERS):
            kind, number, first_name, last_name, library, days, groups = row
            if kind.startswith("lma"):
                identity = parse_lma_number(number)
            else:
                identity = parse_personal_number(number, today=today)
            minor = kind in ("minor", "lma_minor")
            borrower = _update_or_create(
                index,
                identity.value,
                {
                    "id_kind": identity.kind.value,
                    "birth_date": identity.birth_date,
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": _email(first_name, last_name),
                    "library": libraries[library],
                    "valid_until": None if days is None else today + timedelta(days=days),
                    "registered_as_minor": minor,
                    "guardian_birth_date": GUARDIAN_BIRTH_DATE if minor else None,
                    "guardian_name": "Vera Vårdnadshavare" if kind == "lma_minor" else "",
                    "protected_identity": False,
                },
            )
            borrower.services.set([services[name] for name in groups if name in services])
        protected = _update_or_create(
            len(BORROWERS),
            PROTECTED_NUMBER,
            {
                "id_kind": "personnummer",
                "birth_date": parse_personal_number(PROTECTED_NUMBER, today=today).birth_date,
                "first_name": "",
                "last_name": "",
                "email": "skyddad.identitet@post.example",
                "library": None,
                "valid_until": None,
                "registered_as_minor": False,
                "guardian_birth_date": None,
                "guardian_name": "",
                "protected_identity": True,
            },
        )
        protected.services.set([services[name] for name in ["Laddare"] if name in services])
    return len(BORROWERS) + 1
