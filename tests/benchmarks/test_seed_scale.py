"""seed_scale fills a PostgreSQL database with every kind of borrower, fast, and
refuses SQLite and databases it did not fill."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Role, StaffUser
from borrowers.identity import parse_lma_number, parse_personal_number
from borrowers.models import Borrower
from libraries.models import Library
from tests.benchmarks.conftest import postgresql_only, sqlite_only
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.django_db


def _seed(**options):
    out = StringIO()
    call_command("seed_scale", stdout=out, **options)
    return out.getvalue()


@sqlite_only
def test_seed_scale_refuses_sqlite_with_a_clear_message():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        _seed(borrowers=10, libraries=3)
    assert not Borrower.objects.exists()


@postgresql_only
def test_seed_scale_fills_every_kind_with_valid_unique_identifiers():
    output = _seed(borrowers=400, libraries=12)
    today = timezone.localdate()
    borrowers = Borrower.objects.all()
    assert borrowers.count() == 400
    assert Library.objects.count() == 12
    assert "registrerare.1@seed-scale.example" in output or "registrerare." in output
    assert " s." in output  # the time it took

    for borrower in borrowers:
        if borrower.id_kind == "lma":
            identity = parse_lma_number(borrower.identifier)
        else:
            identity = parse_personal_number(borrower.identifier, today=today)
            assert identity.birth_date == borrower.birth_date
        assert identity.kind.value == borrower.id_kind
    assert set(borrowers.values_list("id_kind", flat=True)) == {
        "personnummer",
        "samordningsnummer",
        "lma",
    }
    assert borrowers.minors(today).exists() and borrowers.adults(today).exists()
    assert borrowers.lma_minors().exists() and borrowers.lma_adults().exists()
    assert borrowers.expiring_within(14, today).exists() and borrowers.expired(today).exists()
    assert borrowers.filter(valid_until__isnull=True).count() > 200  # most: until further notice
    assert borrowers.filter(services__isnull=False).distinct().count() > 300


@postgresql_only
def test_seed_scale_gives_every_main_library_staff_and_one_library_a_large_share():
    _seed(borrowers=1000, libraries=10)
    mains = Library.objects.filter(parent__isnull=True)
    for main in mains:
        roles = set(StaffUser.objects.filter(library=main).values_list("role", flat=True))
        assert roles == {Role.REGISTRAR, Role.HEAD_ADMIN}
    assert Library.objects.filter(parent__isnull=False).exists()
    large = mains.order_by("pk").first()
    registrar = StaffUser.objects.get(library=large, role=Role.REGISTRAR)
    in_scope = Borrower.objects.visible_to(registrar).count()
    assert 5 <= in_scope <= 30  # about 1 %
    assert StaffUser.objects.filter(is_superuser=True, email__endswith="seed-scale.example")
    protected = Borrower.objects.filter(protected_identity=True)
    assert not protected.filter(library__isnull=False).exists()


@postgresql_only
def test_seed_scale_refuses_a_database_with_borrowers_unless_reset():
    _seed(borrowers=50, libraries=4)
    with pytest.raises(CommandError, match="--reset"):
        _seed(borrowers=50, libraries=4)
    _seed(borrowers=60, libraries=4, reset=True)
    assert Borrower.objects.count() == 60


@postgresql_only
def test_seed_scale_skips_a_database_already_seeded_with_that_size():
    _seed(borrowers=50, libraries=4)
    assert "skipped" in _seed(borrowers=50, libraries=4, skip_if_seeded=True)
    assert Borrower.objects.count() == 50


@postgresql_only
def test_reset_refuses_a_database_seed_scale_did_not_fill(library_a):
    BorrowerFactory(library=library_a)
    with pytest.raises(CommandError, match="did not create"):
        _seed(borrowers=10, libraries=3, reset=True)
    assert Borrower.objects.count() == 1
