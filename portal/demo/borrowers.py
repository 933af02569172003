"""Demo borrowers, registered through the registrar's own workflow: each by a
registrar of its library (MTM's admin where a library has none), with the create
form's choices (services, validity, guardian, login details mail not sent).

Idempotent, by identifier: a rerun registers a borrower that is missing and brings
one that was changed back to its demo state through the same workflows MTM's admin
uses (update_details, protect, TransferRequest.move_by_mtm); an unchanged one is
left alone, with no new audit event. Validity is relative to the day it runs, so a
rerun on a later day renews what had drifted (expired, expiring soon …).

Identity numbers: ONLY Skatteverket's reserved test numbers, copied from
tests/data/testpersonnummer.txt and tests/data/testsamordningsnummer.txt.
LMA numbers have no reserved range: 99-0000xx are obviously made up.
"""

from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.models import REGISTRAR_ROLES, StaffUser
from borrowers.identity import Identity, parse_lma_number, parse_personal_number
from borrowers.models import Borrower, Service
from libraries.models import Library
from transfers.models import TransferRequest

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


def _registered_at(index: int) -> datetime:
    """A demo borrower's registration time: spread over the last 14 months, so that
    Statistik has months to show. Used on registration only: a rerun keeps the history."""
    return timezone.now() - timedelta(days=(index * 37) % 420 + 1)


def registrar_of(library: Library | None) -> StaffUser | None:
    """The demo staff member who acts for `library`: its first registrar, if any."""
    if library is None:
        return None
    registrars = StaffUser.objects.at_library(library).filter(role__in=REGISTRAR_ROLES)
    return registrars.order_by("pk").first()


def _demo_borrowers(libraries: dict[str, Library], today: date):
    """(identity, library, protected, the registration form's fields) per demo borrower."""
    for kind, number, first_name, last_name, library, days, groups in BORROWERS:
        if kind.startswith("lma"):
            identity = parse_lma_number(number)
        else:
            identity = parse_personal_number(number, today=today)
        minor = kind in ("minor", "lma_minor")
        yield (
            identity,
            libraries[library],
            {
                "first_name": first_name,
                "last_name": last_name,
                "email": _email(first_name, last_name),
                "valid_until": None if days is None else today + timedelta(days=days),
                "guardian_birth_date": GUARDIAN_BIRTH_DATE if minor else None,
                "guardian_name": "Vera Vårdnadshavare" if kind == "lma_minor" else "",
                "minor": minor,
                "services": groups,
            },
        )
    yield (
        parse_personal_number(PROTECTED_NUMBER, today=today),
        None,
        {
            "email": "skyddad.identitet@post.example",
            "valid_until": None,
            "minor": False,
            "services": ["Laddare"],
        },
    )


def seed_borrowers(libraries: dict[str, Library], *, mtm: StaffUser) -> int:
    """Register or reset the demo borrowers; returns how many there are. `mtm` is the
    demo MTM account: it registers where a library has no registrar, and resets."""
    today = timezone.localdate()
    services = {service.name: service for service in Service.objects.all()}
    # The protected identity is registered at the main demo library's desk (the
    # workflow then keeps no library nor registrar on the account).
    desk = libraries[MAIN]
    count = 0
    for index, (identity, library, form) in enumerate(_demo_borrowers(libraries, today)):
        form = {**form, "services": [services[n] for n in form["services"] if n in services]}
        borrower = Borrower.objects.filter(identifier=identity.value).first()
        if borrower is None:
            _register(
                identity,
                library or desk,
                form,
                protected=library is None,
                mtm=mtm,
                at=_registered_at(index),
            )
        else:
            _reset(borrower, library, form, mtm=mtm)
        count += 1
    return count


def _register(identity: Identity, library: Library, form: dict, *, protected: bool, mtm, at):
    registrar = registrar_of(library)
    Borrower.objects.register(
        by=registrar or mtm,
        via=None if registrar else "admin",
        identity=identity,
        library=library,
        protected=protected,
        send_credentials=False,
        at=at,
        **form,
    )


def _reset(borrower: Borrower, library: Library | None, form: dict, *, mtm) -> None:
    """Back to the demo state, as MTM would set it in the admin."""
    changes = {
        "email": form["email"],
        "valid_until": form["valid_until"],
        "registered_as_minor": form["minor"],
    }
    if library is None:
        if not borrower.protected_identity:
            borrower.protect(by=mtm)
    else:
        changes.update(
            first_name=form["first_name"],
            last_name=form["last_name"],
            guardian_birth_date=form["guardian_birth_date"],
            guardian_name=form["guardian_name"],
        )
        if borrower.protected_identity:
            # Protection taken away: the account gets its names and library back.
            changes.update(protected_identity=False, library=library)
        elif borrower.library_id != library.pk:
            TransferRequest.move_by_mtm(borrower, to_library=library, by=mtm)
            borrower.refresh_from_db()
    borrower.update_details(by=mtm, services=form["services"], **changes)
