"""A covering index for the registrar's scope (docs/performance.md, "Fixes").

Every registrar page counts or lists the borrowers of one main library and its
branches (BorrowerQuerySet.visible_to: `library_id IN (…) AND NOT
protected_identity`), filtered by kind, age or validity and sorted by name.
With the filter columns in the index, PostgreSQL answers the counts, the list
filters and the id page of a list (views/manage.py, _page) from the index alone
(an index-only scan), instead of reading one heap page per borrower: a large
library's borrowers are spread over as many pages as it has borrowers.

Partial on `NOT protected_identity`, the predicate visible_to always adds.
PostgreSQL only, like 0003 (SQLite has no INCLUDE); no model state, so
makemigrations stays clean.
"""

from django.db import migrations

NAME = "borrower_scope_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "borrowers_borrower" '
        '("library_id", "last_name", "first_name", "id") '
        'INCLUDE ("id_kind", "birth_date", "registered_as_minor", "valid_until", "email") '
        'WHERE NOT "protected_identity"'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [
        ("borrowers", "0003_search_indexes"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
