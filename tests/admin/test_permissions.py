"""Who reaches the admin: MTM staff by the group MTM-personal; registrars never."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.groups import MTM_STAFF_GROUP, grant_mtm_staff_rights

EXPECTED_RIGHTS = {
    "borrowers.view_borrower",
    "borrowers.add_borrower",
    "borrowers.change_borrower",
    "borrowers.view_service",
    "borrowers.add_service",
    "borrowers.change_service",
    "borrowers.view_agreementtext",
    "borrowers.add_agreementtext",
    "borrowers.change_agreementtext",
    "libraries.view_library",
    "libraries.add_library",
    "libraries.change_library",
    "libraries.view_county",
    "libraries.view_municipality",
    "accounts.view_staffuser",
    "accounts.add_staffuser",
    "accounts.change_staffuser",
    "transfers.view_transferrequest",
    "transfers.add_transferrequest",
    "transfers.change_transferrequest",
    "audit.view_auditevent",
    # Following up protected identities typed by registrars (marking them seen).
    "audit.view_protectedlookupalert",
    "audit.change_protectedlookupalert",
    "notifications.view_outgoingmail",
    "notifications.change_outgoingmail",
    # Deciding staff account applications.
    "applications.view_accountapplication",
    "applications.change_accountapplication",
    "applications.view_branchapplication",
    "applications.change_branchapplication",
    # The national statistics.
    "stats.view_dailysnapshot",
    # Importera låntagare.
    "imports.add_importrun",
    "imports.view_importrun",
    # Deciding student applications.
    "applications.view_studentapplication",
    "applications.change_studentapplication",
    # Slå ihop konton, a right of its own.
    "borrowers.merge_borrower",
    # Flytta alla låntagare.
    "transfers.add_librarymove",
    "transfers.view_librarymove",
    # Tjänster: the sign-in services (OpenID Connect clients).
    "signin.view_client",
    "signin.add_client",
    "signin.change_client",
}


def test_the_group_has_exactly_the_rights_mtm_staff_need(db):
    group = Group.objects.get(name="MTM-personal")
    rights = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert rights == EXPECTED_RIGHTS
    assert not any(r.split(".")[1].startswith("delete_") for r in rights)


def test_the_group_is_made_again_with_exactly_those_rights(db):
    # What a test that empties the database (and the migration) calls: a lost
    # group comes back, and a right added by hand is taken away again.
    Group.objects.filter(name=MTM_STAFF_GROUP).delete()
    group = grant_mtm_staff_rights()
    group.permissions.add(Permission.objects.get(codename="delete_borrower"))
    group = grant_mtm_staff_rights()
    rights = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert group.name == "MTM-personal"
    assert rights == EXPECTED_RIGHTS
    assert Group.objects.filter(name="MTM-personal").count() == 1


def test_mtm_staff_are_not_superusers_and_have_the_groups_rights(mtm_user):
    assert mtm_user.is_staff and not mtm_user.is_superuser
    assert mtm_user.get_all_permissions() == EXPECTED_RIGHTS


def _admin_urls(borrower, library, staff):
    """Every admin page: the index, each app, each model's list, add, change, delete and
    history (for one object of each model that has one), and the borrower move."""
    objects = {"borrower": borrower, "library": library, "staffuser": staff}
    urls = [reverse("admin:index"), reverse("admin:autocomplete")]
    apps = set()
    for model in admin.site._registry:
        opts = model._meta
        apps.add(opts.app_label)
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        obj = objects.get(opts.model_name) or model._default_manager.first()
        if obj is not None:
            for view in ("change", "delete", "history"):
                urls.append(reverse(f"{prefix}_{view}", args=[obj.pk]))
    urls += [reverse("admin:app_list", args=[app]) for app in apps]
    urls.append(reverse("admin:borrowers_borrower_move", args=[borrower.pk]))
    urls.append(reverse("admin:borrowers_borrower_merge", args=[borrower.pk, borrower.pk + 1]))
    return urls


@pytest.mark.parametrize("who", ["registrar", "head_admin", "mediator", None])
def test_registrars_never_reach_the_admin(client, request, who, borrower_a, library_a):
    user = request.getfixturevalue(who) if who else None
    if user is not None:
        client.force_login(user)
    staff = user or request.getfixturevalue("registrar")
    for url in _admin_urls(borrower_a, library_a, staff):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (url, response.status_code)
            assert (
                "/logga-in/" in response["Location"] or "/admin/login/" in response["Location"]
            ), url


def test_a_registrar_cannot_log_in_to_the_admin(client, registrar):
    from tests.factories import TEST_PASSWORD

    response = client.post(
        reverse("admin:login"), {"username": registrar.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200  # the login form again, with an error
    assert "_auth_user_id" not in client.session


def test_mtm_staff_do_the_daily_work(mtm_client, borrower_a, library_b):
    from tests.admin.test_borrower_admin import form_data, search

    changelist = reverse("admin:borrowers_borrower_changelist")
    assert mtm_client.get(changelist).status_code == 200
    found = search(mtm_client, borrower_a.display_identifier)
    assert list(found.context["cl"].result_list) == [borrower_a]
    url = reverse("admin:borrowers_borrower_change", args=[borrower_a.pk])
    assert mtm_client.get(url).status_code == 200
    response = mtm_client.post(url, form_data(borrower_a, last_name="Ändrad"))
    assert response.status_code == 302
    borrower_a.refresh_from_db()
    assert borrower_a.last_name == "Ändrad"
    for name in [
        "libraries_library",
        "accounts_staffuser",
        "audit_auditevent",
        "notifications_outgoingmail",
        "transfers_transferrequest",
        "borrowers_service",
        "borrowers_agreementtext",
    ]:
        assert mtm_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name


def test_mtm_staff_cannot_delete_borrowers_or_audit_events(mtm_client, borrower_a):
    from audit.log import record
    from audit.models import Action

    event = record(Action.VIEWED, borrower=borrower_a)
    assert (
        mtm_client.post(
            reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        mtm_client.post(
            reverse("admin:borrowers_borrower_delete", args=[borrower_a.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_staff_without_the_group_see_nothing(client, borrower_a):
    from tests.factories import StaffFactory

    bare = StaffFactory(email="ny@mtm.example", library=None, role="", is_staff=True)
    client.force_login(bare)
    assert client.get(reverse("admin:borrowers_borrower_changelist")).status_code == 403
