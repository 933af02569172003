"""Demo borrowers (manage.py seed_demo): every kind, only reserved test numbers."""

from datetime import timedelta
from pathlib import Path

from borrowers.demo import seed_borrowers
from borrowers.models import Borrower
from libraries.demo import seed_libraries

DATA = Path(__file__).parents[2] / "data"


def test_demo_borrowers_cover_every_kind_and_are_idempotent(db, today):
    libraries = seed_libraries()
    seed_borrowers(libraries)
    first = sorted(Borrower.objects.values_list("identifier", "email", "valid_until"))
    seed_borrowers(libraries)
    assert sorted(Borrower.objects.values_list("identifier", "email", "valid_until")) == first

    borrowers = Borrower.objects.all()
    assert borrowers.count() >= 30
    assert borrowers.adults(today).filter(id_kind="personnummer").exists()
    assert borrowers.minors(today).filter(id_kind="personnummer").exists()
    assert borrowers.filter(id_kind="samordningsnummer").exists()
    assert borrowers.lma_adults().exists() and borrowers.lma_minors().exists()
    assert borrowers.expired(today).exists()
    assert borrowers.expiring_within(14, today).exists()
    assert borrowers.filter(library__parent__isnull=False).exists()
    protected = borrowers.get(protected_identity=True)
    assert protected.library is None and protected.first_name == ""
    for borrower in borrowers.filter(id_kind="samordningsnummer"):
        assert borrower.valid_until <= today + timedelta(days=366)


def test_demo_uses_only_skatteverkets_reserved_numbers(db):
    reserved = set()
    for name in ("testpersonnummer.txt", "testsamordningsnummer.txt"):
        reserved |= set((DATA / name).read_text().split())
    seed_borrowers(seed_libraries())
    for kind, identifier in Borrower.objects.values_list("id_kind", "identifier"):
        if kind == "lma":
            assert identifier.startswith("990000"), identifier
        else:
            assert identifier in reserved, identifier
