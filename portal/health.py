"""What /healthz checks: the database answers, the code's migrations are applied,
and how long the oldest queued mail has waited."""

import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from notifications.health import oldest_queued_age, queue_is_late

logger = logging.getLogger(__name__)

# Once applied, this process's migrations stay applied: check the plan only until then.
_migrations_applied = False


def check() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        migrations = "ok" if migrations_applied() else "pending"
        age = oldest_queued_age()
    except DatabaseError:
        logger.warning("Health check: the database does not answer", exc_info=True)
        return {"database": "unreachable", "migrations": "unknown", "mail": "unknown"}
    waited = "none queued" if age is None else f"oldest queued {int(age.total_seconds())} s"
    return {
        "database": "ok",
        "migrations": migrations,
        "mail": f"{'late' if queue_is_late(age) else 'ok'} ({waited})",
    }


def migrations_applied() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied
