"""PostgreSQL-only indexes for the registrar's search and lists. No model state,
so makemigrations stays clean; SQLite gets nothing here and runs the same
queries without them.

Trigram indexes for Sök användare (borrowers/search.py): the expressions are
exactly those the search filters on (`LOWER(col) LIKE '%term%'`), so a partial
name or e-mail is found through the index among a million borrowers.

A covering index for the registrar's scope (docs/performance.md, "Fixes"): every
registrar page counts or lists the borrowers of one main library and its
branches (BorrowerQuerySet.visible_to: `library_id IN (…) AND NOT
protected_identity`), filtered by kind, age or validity and sorted by name. With
the filter columns in the index, PostgreSQL answers the counts, the list filters
and the id page of a list (views/manage.py, _page) from the index alone (an
index-only scan), instead of reading one heap page per borrower. Partial on
`NOT protected_identity`, the predicate visible_to always adds (SQLite has no
INCLUDE).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

TRIGRAM_INDEXES = {
    "borrower_first_name_trgm_idx": "first_name",
    "borrower_last_name_trgm_idx": "last_name",
    "borrower_email_trgm_idx": "email",
}
SCOPE_INDEX = "borrower_scope_idx"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "borrowers_borrower" '
            f'USING gin ((lower("{column}")) gin_trgm_ops)'
        )
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{SCOPE_INDEX}" ON "borrowers_borrower" '
        '("library_id", "last_name", "first_name", "id") '
        'INCLUDE ("id_kind", "birth_date", "registered_as_minor", "valid_until", "email") '
        'WHERE NOT "protected_identity"'
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [SCOPE_INDEX, *TRIGRAM_INDEXES]:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    # Before the toolkit's first migration: its models point at the sign-in app's
    # swapped ones, and until those exist no migration can build historical models.
    run_before = [("oauth2_provider", "0001_initial")]
    dependencies = [("borrowers", "0002_services_and_agreement")]

    operations = [
        # CreateExtension itself does nothing on other databases.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
