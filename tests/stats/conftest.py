import pytest
from django.utils import timezone

from borrowers.identity import parse_personal_number
from borrowers.models import Borrower
from tests.factories import ADULT_PERSONNUMMER, free_number


@pytest.fixture
def register():
    """Register a borrower the way a registrar's create form does (with its audit event)."""

    def register(*, by, library=None, protected=False, email=None):
        number = free_number(ADULT_PERSONNUMMER, 40)
        identity = parse_personal_number(number, today=timezone.localdate())
        return Borrower.objects.register(
            by=by,
            identity=identity,
            email=email or f"stat{number}@post.example",
            valid_until=None,
            library=library,
            first_name="Stina",
            last_name="Statistik",
            protected=protected,
            send_credentials=False,
        )

    return register
