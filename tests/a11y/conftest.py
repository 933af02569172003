"""The world of the structural accessibility tests: the cast of tests/conftest.py,
a borrower at another library (for the pull page) and a borrower of Mina sidor."""

import pytest

from tests.factories import BorrowerFactory

BORROWER_PASSWORD = "Sommarregn över taken"


@pytest.fixture
def lena(library_a):
    """A borrower who uses Mina sidor."""
    borrower = BorrowerFactory(
        library=library_a, first_name="Lena", last_name="Läsare", email="lena@post.example"
    )
    borrower.set_password(BORROWER_PASSWORD)
    borrower.save()
    return borrower
