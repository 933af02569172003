"""The bench runner runs end to end on a tiny seeded database and prints its table."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.benchmarks.conftest import postgresql_only, sqlite_only


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_bench_prints_its_table_on_a_tiny_seeded_database(tmp_path):
    call_command("seed_scale", borrowers=300, libraries=6, stdout=StringIO())
    out = StringIO()
    report = tmp_path / "bench.json"
    call_command(
        "bench",
        iterations=2,
        warmup=1,
        reminders=40,
        memory_reminders="5,10",
        memory_mails="2,4",
        json=str(report),
        stdout=out,
    )
    table = out.getvalue()
    for page in [
        "baseline",
        "Startsida",
        "Mitt bibliotek",
        "Visa: samtliga",
        "Sök användare: personnummer (results)",
        "Sök användare: LMA number (POST)",
        "Låntagare (borrower page)",
        "Ansökningar om biblioteksbyte",
        "Admin: borrower list",
        "Admin search: name (results)",
    ]:
        assert page in table
    assert "p95 ms" in table and "× baseline" in table
    assert "Load average (uptime) at start" in table
    assert "p50 ≤ 2× " in table and "pages met every target" in table
    assert "send_expiry_reminders: 40 due" in table
    assert "db_worker --batch" in table
    assert report.exists()


@sqlite_only
@pytest.mark.django_db
def test_bench_refuses_sqlite():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench", stdout=StringIO())
