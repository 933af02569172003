"""The move bench (make bench-move) runs end to end on a small library and checks what
the job left."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.benchmarks.conftest import postgresql_only, sqlite_only


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_bench_move_moves_a_small_library_in_batches_and_prints_its_figures(settings):
    # As in production (make bench-move): the worker's tasks are rows in the database.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    out = StringIO()
    call_command("bench_move", borrowers=60, pending=10, batch_size=25, stdout=out)
    text = out.getvalue()
    assert "Seeded 60 borrowers (6 with a pending request)" in text
    assert "Moved 60 borrowers in" in text and "borrowers/s" in text
    assert "batches of 25; 60 mails queued, 6 requests withdrawn" in text
    assert "60 delivery tasks" in text
    assert "Load average (1, 5, 15 min):" in text


@sqlite_only
@pytest.mark.django_db
def test_bench_move_refuses_sqlite():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_move", stdout=StringIO())
