"""MTM staff may upload a file (*Importera låntagare*) and see the runs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "MTM-personal"
RIGHTS = ["add_importrun", "view_importrun"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("imports")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="imports", codename__in=RIGHTS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_import_run"),
        ("accounts", "0002_mtm_staff_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
