"""MTM staff (the group "MTM-personal") manage the sign-in services (Tjänster) in the admin:
the group's rights again, now that the sign-in models exist (accounts.groups)."""

from django.db import migrations

from accounts.groups import grant_mtm_staff_rights


def grant(apps, schema_editor):
    grant_mtm_staff_rights(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("signin", "0001_initial"),
        ("accounts", "0002_staff_group_rights"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
