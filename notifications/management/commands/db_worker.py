"""django-tasks-db's db_worker, which also recovers mail whose worker died and
outlives a database restart.

This command shadows the library's (notifications comes before django_tasks_db
in INSTALLED_APPS), so every way the worker is started (make run, compose,
systemd) recovers: once at start, then every MAIL_LEASE_SECONDS / 2 from a
background thread while the worker waits for or sends mail.

The library's worker exits on any database error but a locked SQLite file; this
one waits and goes on, so a PostgreSQL restart or failover needs no restart of
the worker. A mail that was being sent at that moment is recovered by its lease.
"""

import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker

from notifications.recovery import logger, requeue_stale_tasks

#: How long the worker waits before it tries the database again.
DATABASE_RETRY_SECONDS = 2


def recover_periodically(stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        try:
            close_old_connections()
            requeue_stale_tasks()
        except DatabaseError:
            # The database is away: the worker's own loop reports it; try again later.
            logger.warning("Could not look for stale mail tasks", exc_info=True)
        finally:
            connection.close()


class Command(db_worker.Command):
    help = "Run the mail worker: deliver queued mail, recovering mail of workers that died"

    def handle(self, *args, **options):
        requeue_stale_tasks()
        stop = threading.Event()
        if not options["batch"]:
            every = max(settings.MAIL_LEASE_SECONDS / 2, 1)
            threading.Thread(target=recover_periodically, args=(stop, every), daemon=True).start()
        try:
            while True:
                try:
                    return super().handle(*args, **options)
                except (OperationalError, InterfaceError):
                    if options["batch"]:
                        raise
                    logger.warning("The database is away; the worker tries again", exc_info=True)
                    connection.close()
                    time.sleep(DATABASE_RETRY_SECONDS)
        finally:
            stop.set()
