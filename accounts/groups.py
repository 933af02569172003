"""The group "MTM-personal": exactly the rights MTM staff need in the admin.

MTM staff accounts are is_staff members of this group, never superusers for
daily work (security.md §7). Adding, changing and viewing the registry; viewing
the audit log and the mail queue (changing mail = sending failed mail again);
viewing counties and municipalities (SCB's list is loaded, not edited); viewing
and deciding applications ("change" is the right to decide: the records
themselves are read-only in the admin); viewing the national statistics. No
delete right at all: borrowers are deleted through the registrar UI or by a
superuser, staff accounts are deactivated, the audit log is append-only and a
decision on an application stays recorded.

`grant_mtm_staff_rights` is the one place the group is made: the data migration
calls it with the historical app registry, tests that empty the database with
the real one. Models are named by app label, never imported: the rights span
apps above accounts.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

MTM_STAFF_GROUP = "MTM-personal"

#: (app_label, model_name): actions
MTM_STAFF_PERMISSIONS = {
    ("borrowers", "borrower"): ["view", "add", "change", "merge"],
    ("borrowers", "service"): ["view", "add", "change"],
    ("borrowers", "agreementtext"): ["view", "add", "change"],
    ("libraries", "library"): ["view", "add", "change"],
    ("libraries", "county"): ["view"],
    ("libraries", "municipality"): ["view"],
    ("accounts", "staffuser"): ["view", "add", "change"],
    ("transfers", "transferrequest"): ["view", "add", "change"],
    ("transfers", "librarymove"): ["view", "add"],
    ("audit", "auditevent"): ["view"],
    ("audit", "protectedlookupalert"): ["view", "change"],
    ("notifications", "outgoingmail"): ["view", "change"],
    ("applications", "accountapplication"): ["view", "change"],
    ("applications", "branchapplication"): ["view", "change"],
    ("applications", "studentapplication"): ["view", "change"],
    ("stats", "dailysnapshot"): ["view"],
    # Sign-in services (Tjänster).
    ("signin", "client"): ["view", "add", "change"],
    # Importera låntagare: MTM uploads a library's file and confirms the import.
    ("imports", "importrun"): ["view", "add"],
}


def _create_permissions(apps, using):
    # Permissions are normally created after migrate (post_migrate); create them now.
    # A historical registry's app configs have no models module, and
    # create_permissions skips an app without one: lend it one meanwhile.
    for app_config in apps.get_app_configs():
        borrowed = getattr(app_config, "models_module", None) is None
        if borrowed:
            app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
        finally:
            if borrowed:
                app_config.models_module = None


def grant_mtm_staff_rights(apps=global_apps, using=DEFAULT_DB_ALIAS):
    """The group with exactly MTM_STAFF_PERMISSIONS (created if missing, others removed)."""
    _create_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=MTM_STAFF_GROUP)
    wanted = [
        (app_label, f"{action}_{model}")
        for (app_label, model), actions in MTM_STAFF_PERMISSIONS.items()
        for action in actions
    ]
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.using(using)
        .select_related("content_type")
        .filter(codename__in=[codename for _, codename in wanted])
    }
    if apps is global_apps:
        missing = [key for key in wanted if key not in found]
        if missing:
            raise LookupError(f"MTM_STAFF_PERMISSIONS names rights that do not exist: {missing}")
    # In a migration, a right whose model (or Meta permission) comes later in the graph
    # is left out here; a later migration calls this function again and adds it.
    group.permissions.set([found[key] for key in wanted if key in found])
    return group


def remove_mtm_staff_group(apps=global_apps, using=DEFAULT_DB_ALIAS):
    apps.get_model("auth", "Group").objects.using(using).filter(name=MTM_STAFF_GROUP).delete()
