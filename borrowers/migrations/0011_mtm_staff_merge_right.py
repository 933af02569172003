"""MTM staff (the group "MTM-personal") may merge two borrower accounts (Slå ihop
konton), a right of its own."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "MTM-personal"
RIGHTS = ["merge_borrower"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("borrowers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="borrowers", codename__in=RIGHTS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="borrowers", codename__in=RIGHTS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("borrowers", "0010_merge_permission"),
        ("accounts", "0002_mtm_staff_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
