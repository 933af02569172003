"""MTM staff see and mark seen the alerts about protected identities typed by
registrars (audit.ProtectedLookupAlert): the group's rights again (accounts/groups.py)."""

from django.db import migrations

from accounts.groups import grant_mtm_staff_rights


def grant(apps, schema_editor):
    grant_mtm_staff_rights(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staff_group_rights"),
        ("audit", "0003_protected_lookup_alert"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
