"""MTM staff (the group "MTM-personal") may move all of a library's borrowers
(Flytta alla låntagare) and follow such moves."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "MTM-personal"
RIGHTS = ["add_librarymove", "view_librarymove"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("transfers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="transfers", codename__in=RIGHTS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="transfers", codename__in=RIGHTS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("transfers", "0002_library_move"),
        ("accounts", "0002_mtm_staff_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
