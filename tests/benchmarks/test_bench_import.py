"""The import bench (make bench-import) runs end to end on a small generated file and
prints its figures, the floor and whether the targets are met."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.benchmarks.conftest import postgresql_only, sqlite_only


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_bench_import_imports_a_generated_file_and_prints_its_figures():
    out = StringIO()
    call_command("bench_import", rows=300, libraries=20, stdout=out)
    text = out.getvalue()
    assert "File: 300 rows (" in text
    assert "Importerade: " in text and "· Fel: " in text
    assert "rows/s; peak RSS" in text
    assert "COPY floor: " in text and "load average" in text
    assert "Targets: at most 4x the COPY floor: " in text


@sqlite_only
@pytest.mark.django_db
def test_bench_import_refuses_sqlite():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_import", stdout=StringIO())
