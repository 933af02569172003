"""The group "MTM-personal" and its rights (accounts/groups.py).

Runs after every app whose models the rights name has created them.
"""

from django.db import migrations

from accounts.groups import grant_mtm_staff_rights, remove_mtm_staff_group


def grant(apps, schema_editor):
    grant_mtm_staff_rights(apps, using=schema_editor.connection.alias)


def remove(apps, schema_editor):
    remove_mtm_staff_group(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    # Before the toolkit's first migration: its models point at the sign-in app's
    # swapped ones, and until those exist no migration can build historical models.
    run_before = [("oauth2_provider", "0001_initial")]
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("libraries", "0001_initial"),
        ("borrowers", "0001_initial"),
        ("transfers", "0001_initial"),
        ("audit", "0001_initial"),
        ("notifications", "0001_initial"),
        ("applications", "0001_initial"),
        ("stats", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, remove)]
