"""Trigram indexes for Sök användare on PostgreSQL (borrowers/search.py).

The expressions are exactly those the search filters on (`LOWER(col) LIKE
'%term%'`), so a partial name or e-mail is found through the index among a
million borrowers. SQLite has no trigram indexes and gets nothing here: the
same query runs there without them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "borrower_first_name_trgm_idx": "first_name",
    "borrower_last_name_trgm_idx": "last_name",
    "borrower_email_trgm_idx": "email",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "borrowers_borrower" '
            f'USING gin ((lower("{column}")) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("borrowers", "0002_services_and_agreement"),
    ]

    operations = [
        # CreateExtension itself does nothing on other databases.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
