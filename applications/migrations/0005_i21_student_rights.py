"""MTM staff (the group "MTM-personal") view and decide student applications too.

"change" is the right to decide (approve or reject); the records themselves are
read-only in the admin, and there is no delete right: the decision stays recorded.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "MTM-personal"
RIGHTS = ["view_studentapplication", "change_studentapplication"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("applications")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="applications", codename__in=RIGHTS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="applications", codename__in=RIGHTS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_i21_student_application"),
        ("accounts", "0002_mtm_staff_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
