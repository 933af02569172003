"""Staff accounts in the admin: creation with the welcome mail, roles, deactivation
that ends sessions, and superuser rights kept to superusers."""

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import Role, StaffUser
from notifications.models import MailKind, OutgoingMail
from tests.factories import StaffFactory

ADD = reverse("admin:accounts_staffuser_add")
CHANGELIST = reverse("admin:accounts_staffuser_changelist")


def change_url(user):
    return reverse("admin:accounts_staffuser_change", args=[user.pk])


def change_data(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "library": user.library_id or "",
        "role": user.role,
        "groups": [g.pk for g in user.groups.all()],
    }
    for flag in ("is_active", "is_staff", "is_superuser"):
        if getattr(user, flag):
            data[flag] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_creating_a_registrar_queues_the_welcome_mail(mtm_client, library_a):
    response = mtm_client.post(
        ADD,
        {
            "email": "Ny.Registrerare@A.example",
            "first_name": "Nora",
            "last_name": "Ny",
            "library": library_a.pk,
            "role": Role.REGISTRAR,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = StaffUser.objects.get(email__iexact="ny.registrerare@a.example")
    assert user.library == library_a and user.role == Role.REGISTRAR
    assert not user.has_usable_password()  # the person chooses one from the mail
    mail = OutgoingMail.objects.get(kind=MailKind.STAFF_WELCOME)
    assert mail.to == user.email and mail.context == {"user": user.pk}


def test_an_e_mail_in_use_is_refused_whatever_the_case(mtm_client, library_a, registrar):
    response = mtm_client.post(
        ADD, {"email": registrar.email.upper(), "library": library_a.pk, "role": Role.REGISTRAR}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"]
    assert not OutgoingMail.objects.exists()


def test_staff_belong_to_a_main_library_with_a_role(mtm_client, branch_a, library_a):
    response = mtm_client.post(
        ADD, {"email": "filial@a.example", "library": branch_a.pk, "role": Role.REGISTRAR}
    )
    assert "library" in response.context["adminform"].form.errors
    response = mtm_client.post(ADD, {"email": "utan@a.example", "library": library_a.pk})
    assert "role" in response.context["adminform"].form.errors


def test_mtm_changes_a_role(mtm_client, registrar):
    response = mtm_client.post(change_url(registrar), change_data(registrar, role=Role.HEAD_ADMIN))
    assert response.status_code == 302, response.context["adminform"].form.errors
    registrar.refresh_from_db()
    assert registrar.role == Role.HEAD_ADMIN


def _logged_in_sessions(user, count=2):
    for _ in range(count):
        Client().force_login(user)


def _sessions_of(user):
    return [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


def test_deactivating_ends_the_persons_sessions_at_once(mtm_client, registrar, registrar_b):
    _logged_in_sessions(registrar)
    _logged_in_sessions(registrar_b, 1)
    assert len(_sessions_of(registrar)) == 2
    response = mtm_client.post(change_url(registrar), change_data(registrar, is_active=None))
    assert response.status_code == 302, response.context["adminform"].form.errors
    registrar.refresh_from_db()
    assert not registrar.is_active
    assert _sessions_of(registrar) == []
    assert len(_sessions_of(registrar_b)) == 1  # nobody else is logged out


def test_a_deactivated_registrar_is_logged_out_on_the_next_request(client, mtm_user, registrar):
    client.force_login(registrar)
    assert client.get(reverse("portal:start")).status_code == 200
    registrar.deactivate()
    response = client.get(reverse("portal:start"))
    assert response.status_code == 302


def test_the_deactivate_action(mtm_client, registrar, head_admin):
    _logged_in_sessions(registrar)
    response = mtm_client.post(
        CHANGELIST,
        {"action": "deactivate", "_selected_action": [registrar.pk, head_admin.pk], "index": 0},
    )
    assert response.status_code == 302
    assert (
        StaffUser.objects.filter(pk__in=[registrar.pk, head_admin.pk], is_active=True).count() == 0
    )
    assert _sessions_of(registrar) == []


def test_staff_accounts_are_never_deleted(mtm_client, superuser_client, registrar):
    url = reverse("admin:accounts_staffuser_delete", args=[registrar.pk])
    assert mtm_client.get(url).status_code == 403
    assert superuser_client.get(url).status_code == 403
    response = superuser_client.get(CHANGELIST)
    actions = response.context["cl"].model_admin.get_actions(response.wsgi_request)
    assert "delete_selected" not in actions


def test_only_a_superuser_makes_a_superuser(mtm_client, mtm_user):
    colleague = StaffFactory(email="kollega@mtm.example", library=None, role="", is_staff=True)
    response = mtm_client.post(change_url(colleague), change_data(colleague, is_superuser="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    colleague.refresh_from_db()
    assert not colleague.is_superuser
    # …nor themselves.
    mtm_client.post(change_url(mtm_user), change_data(mtm_user, is_superuser="on"))
    mtm_user.refresh_from_db()
    assert not mtm_user.is_superuser


def test_a_superusers_account_is_out_of_reach_for_others(mtm_client, mtm_staff):
    assert mtm_staff.is_superuser
    response = mtm_client.post(
        change_url(mtm_staff), change_data(mtm_staff, email="kapad@ond.example")
    )
    assert response.status_code == 403
    mtm_staff.refresh_from_db()
    assert mtm_staff.email != "kapad@ond.example"
    password = reverse("admin:auth_user_password_change", args=[mtm_staff.pk])
    assert mtm_client.get(password).status_code == 403


def test_a_superuser_may_make_a_superuser(superuser_client):
    colleague = StaffFactory(email="kollega@mtm.example", library=None, role="", is_staff=True)
    superuser_client.post(change_url(colleague), change_data(colleague, is_superuser="on"))
    colleague.refresh_from_db()
    assert colleague.is_superuser


def test_staff_are_listed_per_library(mtm_client, registrar, head_admin, registrar_b, library_a):
    response = mtm_client.get(CHANGELIST, {"library": library_a.pk})
    assert set(response.context["cl"].result_list) == {registrar, head_admin}


def test_mtm_staff_have_no_library(mtm_client, library_a):
    colleague = StaffFactory(email="kollega@mtm.example", library=None, role="", is_staff=True)
    response = mtm_client.post(change_url(colleague), change_data(colleague, library=library_a.pk))
    assert "library" in response.context["adminform"].form.errors
