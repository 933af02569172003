"""The group "MTM-personal": exactly the rights MTM staff need in the admin.

MTM staff accounts are is_staff members of this group, never superusers for
daily work (security.md §7). Adding, changing and viewing the registry; viewing
the audit log and the mail queue (changing mail = sending failed mail again);
viewing counties and municipalities (SCB's list is loaded, not edited). No
delete right at all: borrowers are deleted through the registrar UI or by a
superuser, staff accounts are deactivated, the audit log is append-only.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "MTM-personal"

#: (app_label, model_name): actions
RIGHTS = {
    ("borrowers", "borrower"): ["view", "add", "change"],
    ("borrowers", "service"): ["view", "add", "change"],
    ("borrowers", "agreementtext"): ["view", "add", "change"],
    ("libraries", "library"): ["view", "add", "change"],
    ("libraries", "county"): ["view"],
    ("libraries", "municipality"): ["view"],
    ("accounts", "staffuser"): ["view", "add", "change"],
    ("transfers", "transferrequest"): ["view", "add", "change"],
    ("audit", "auditevent"): ["view"],
    ("notifications", "outgoingmail"): ["view", "change"],
}


def create_group(apps, schema_editor):
    # Permissions are normally created after migrate (post_migrate); create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = []
    for (app_label, model), actions in RIGHTS.items():
        for action in actions:
            wanted.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )
    group.permissions.set(wanted)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("libraries", "0002_load_counties"),
        ("borrowers", "0003_search_indexes"),
        ("audit", "0002_append_only_trigger"),
        ("notifications", "0001_initial"),
        ("transfers", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
