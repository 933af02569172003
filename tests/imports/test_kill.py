"""All or nothing: an import killed part-way leaves the registry as it was, and the
next run completes it. The import runs in a process of its own that is killed."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from borrowers.models import Borrower
from tests.factories import ADULT_PERSONNUMMER, LibraryFactory

from .conftest import borrower_row, write_csv

ROWS = 12
BASE_DIR = Path(settings.BASE_DIR)

SCRIPT = """
import os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from imports.run import Importer

importer = Importer(commit=True)
pause_after = int(sys.argv[2])

def pause(done):
    if done == pause_after:
        print("PAUSED", flush=True)
        time.sleep(600)

importer.after_row = pause
summary = importer.run([(sys.argv[1], "lantagare.csv")])
print(summary.line(), flush=True)
"""


def _database(tmp_path) -> tuple[str, callable]:
    """A database URL the child process can use, and how to count borrowers in it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "registry.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()

        def count():
            with sqlite3.connect(path) as db:
                return db.execute("SELECT count(*) FROM borrowers_borrower").fetchone()[0]

        return f"sqlite:///{path}", count
    params = connection.settings_dict
    url = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{params['NAME']}"
    return url, Borrower.objects.count


def _child(url, path, pause_after):
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(BASE_DIR)}
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(path), str(pause_after)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_a_killed_run_leaves_the_registry_as_before_and_the_next_completes(tmp_path):
    LibraryFactory(sigel="Abc")
    rows = [
        borrower_row(
            **{"Person-/Samordningsnummer": number, "E-post": f"person{index}@post.example"}
        )
        for index, number in enumerate(ADULT_PERSONNUMMER[:ROWS])
    ]
    path = write_csv(tmp_path / "lantagare.csv", rows)
    url, count = _database(tmp_path)

    child = _child(url, path, pause_after=ROWS // 2)
    try:
        assert child.stdout.readline().strip() == "PAUSED"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert count() == 0

    again = _child(url, path, pause_after=-1)
    out, _ = again.communicate(timeout=300)
    assert f"Importerade: {ROWS} ·" in out
    assert count() == ROWS
