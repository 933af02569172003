"""The admin's imports run in the worker (django-tasks), with the command's code."""

import logging
import tempfile
from pathlib import Path

from django.db import connection, connections
from django.utils import translation
from django_tasks import task

from .models import ImportRun
from .report import report_csv
from .run import Importer

logger = logging.getLogger(__name__)

#: How often (rows) the page's progress is written.
PROGRESS_EVERY = 500


def _progress_writer(run_pk: int):
    """Progress the page can read while the run's own transaction is still open: on
    PostgreSQL through a connection of its own. SQLite allows one writer at a time,
    so there the page shows the run as in progress until it ends."""
    if connection.vendor != "postgresql":
        return None
    side = connections.create_connection("default")

    def write(done: int, total: int) -> None:
        if done % PROGRESS_EVERY and done != total:
            return
        with side.cursor() as cursor:
            cursor.execute(
                "UPDATE imports_importrun SET done = %s, total = %s WHERE id = %s",
                [done, total, run_pk],
            )

    write.close = side.close
    return write


@task()
def run_import(run_pk: int, commit: bool) -> str:
    run = ImportRun.objects.select_related("library", "created_by").get(pk=run_pk)
    status = ImportRun.Status
    ImportRun.objects.filter(pk=run_pk).update(
        status=status.IMPORTING if commit else status.CHECKING, done=0, total=0
    )
    progress = _progress_writer(run_pk)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload"
            path.write_bytes(bytes(run.content))
            importer = Importer(
                by=run.created_by, commit=commit, progress=progress, only_library=run.library
            )
            with translation.override("sv"):
                summary = importer.run([(str(path), run.file_name)])
                line = summary.line()
    except Exception as error:
        # Only which run failed and how: a traceback or a database message may quote
        # a row (an identity number), and nothing of a row may reach a log.
        logger.error("Import run %s failed: %s", run_pk, type(error).__name__)
        ImportRun.objects.filter(pk=run_pk).update(status=status.FAILED)
        return "failed"
    finally:
        if progress is not None:
            progress.close()
    total = summary.imported + summary.updated + summary.unchanged + summary.errors
    ImportRun.objects.filter(pk=run_pk).update(
        status=status.DONE if commit else status.CHECKED,
        summary={**summary.as_dict(), "line": line},
        report=report_csv(summary),
        done=total,
        total=total,
    )
    return "done" if commit else "checked"
