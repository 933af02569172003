"""MTM temporary numbers for students without a Swedish personnummer.

YYYYMMDD + a letter + three digits (e.g. 19980412T123, shown 19980412-T123): a
letter never appears in a personnummer or samordningsnummer, so the two can never
be confused, and the identifier column (12 characters) holds it as it is.
"""

import secrets
from datetime import date

from .identity import Identity, Kind
from .models import Borrower

#: The letter MTM's temporary numbers carry (T for *tillfälligt*).
LETTER = "T"


def new_temporary_identity(birth_date: date) -> Identity:
    """A number no account holds yet: random digits, so numbers say nothing about order.
    The unique identifier column settles a race (Borrower.objects.register's AlreadyRegistered)."""
    taken = set(
        Borrower.objects.filter(identifier__startswith=f"{birth_date:%Y%m%d}{LETTER}").values_list(
            "identifier", flat=True
        )
    )
    free = [f"{birth_date:%Y%m%d}{LETTER}{n:03d}" for n in range(1000)]
    free = [value for value in free if value not in taken]
    if not free:
        raise RuntimeError("no temporary number left for this birth date")
    return Identity(kind=Kind.TEMPORARY, value=secrets.choice(free), birth_date=birth_date)
