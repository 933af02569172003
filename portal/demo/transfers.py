"""Demo transfer requests: one pending request into each demo main library (but the
region's library, which has no demo staff), made
with the request workflow (TransferRequest.request) by a registrar of the
borrower's library, or by the borrower on Mina sidor where that library has none.

Idempotent: a borrower that already has a pending request, or already belongs to
the library it would ask for, is left alone. A request that was accepted, rejected
or withdrawn is asked again after a rerun (the borrowers' reset moves an accepted
one back first).
"""

from borrowers.models import Borrower
from libraries.models import Library
from transfers.models import TransferRequest

from .borrowers import GOTEBORG, MAIN, SUNDBYBERG, registrar_of

# identifier (a demo borrower), the main library asked to take them over
TRANSFERS = [
    ("199401032397", MAIN),  # Johan Jansson, from Sundbybergs bibliotek
    ("194202138014", SUNDBYBERG),  # Astrid Alm, from MTM:s stadsbibliotek
    ("195102031753", GOTEBORG),  # Bengt Björk, from MTM:s stadsbibliotek
    ("195801263053", "Malmö stadsbibliotek"),  # Cecilia Cederholm
    ("196301202633", "Regionbibliotek Uppsala"),  # David Dahl
    ("196705203252", "Patientbiblioteket Norrlands universitetssjukhus"),  # Eva Ek
    ("197902069272", "Katedralskolans skolbibliotek"),  # Fredrik Fors
]


def seed_transfers(libraries: dict[str, Library]) -> int:
    """Ask for the demo moves that are not pending; returns how many were asked."""
    created = 0
    for identifier, to_library in TRANSFERS:
        borrower = Borrower.objects.with_library().filter(identifier=identifier).first()
        library = libraries[to_library]
        if (
            borrower is None
            or borrower.library_id == library.pk
            or TransferRequest.objects.pending().filter(borrower=borrower).exists()
        ):
            continue
        TransferRequest.request(borrower, to_library=library, by=registrar_of(borrower.library))
        created += 1
    return created
