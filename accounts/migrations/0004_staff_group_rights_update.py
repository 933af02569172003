"""The MTM staff group's rights again, now that every model they name exists: merging
borrower accounts, moving all of a library's borrowers, the sign-in services, the
alerts of a protected identity typed at a registrar's door, the imports
(accounts.groups.MTM_STAFF_PERMISSIONS, the one list)."""

from django.db import migrations

from accounts.groups import grant_mtm_staff_rights


def grant(apps, schema_editor):
    grant_mtm_staff_rights(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_plausible_text_and_dates"),
        ("borrowers", "0006_merge_permission"),
        ("transfers", "0002_library_move"),
        ("signin", "0001_initial"),
        ("audit", "0004_protected_lookup_alert"),
        ("imports", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
