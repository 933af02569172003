"""The whole way in and out: an application on the public form, approved in the
admin, a password chosen from the mail's link, a login as registrar of that
library; and MTM deactivating a registrar, who is logged out at once."""

import re

from django.test import Client
from django.urls import reverse

from accounts.models import StaffUser
from applications.models import AccountApplication
from tests.applications.conftest import send

PASSWORD = "en-lång-mening-som-är-lätt-att-minnas"


def link_in(message) -> str:
    return re.search(r"https://register\.example(/konto/nytt-losenord/\S+)", message.body).group(1)


def test_an_application_becomes_a_registrar_who_logs_in_at_the_library(
    decider_client, branch_a, library_a, mailoutbox
):
    applicant = Client()
    search = applicant.get(reverse("applications:library_search"), {"q": "filial"})
    assert list(search.context["page"]) == [branch_a]
    form = applicant.get(reverse("applications:apply"), {"bibliotek": branch_a.pk})
    assert form.context["library"] == branch_a
    assert send(applicant, branch_a).url == reverse("applications:thanks")

    application = AccountApplication.objects.get()
    decider_client.post(
        reverse("admin:applications_accountapplication_decide", args=[application.pk]),
        {"approve": "1"},
    )

    [welcome] = mailoutbox
    assert welcome.to == ["alva@a.example"]
    password_page = applicant.get(link_in(welcome), follow=True)
    assert password_page.context["validlink"]
    applicant.post(
        password_page.redirect_chain[-1][0],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )

    login = applicant.post(
        reverse("accounts:login"), {"username": "alva@a.example", "password": PASSWORD}
    )
    assert login.status_code == 302 and login.url == reverse("portal:start")
    start = applicant.get(login.url)
    assert start.status_code == 200
    assert start.context["library"] == library_a  # the main library of the chosen branch
    page = start.content.decode()
    assert f"<h1>{library_a.name}</h1>" in page
    assert "inloggad som registrerare" in page


def test_a_registrar_deactivated_in_the_admin_is_logged_out_at_once(
    decider_client, registrar, library_a
):
    """The admin's deactivation (the StaffUser admin's own action) ends sessions now."""
    registrar_browser = Client()
    registrar_browser.force_login(registrar)
    assert registrar_browser.get(reverse("portal:start")).status_code == 200

    decider_client.post(
        reverse("admin:accounts_staffuser_changelist"),
        {"action": "deactivate", "_selected_action": [registrar.pk]},
    )
    registrar.refresh_from_db()
    assert not registrar.is_active

    response = registrar_browser.get(reverse("portal:start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    # … and cannot log in again.
    from tests.factories import TEST_PASSWORD

    login = Client().post(
        reverse("accounts:login"), {"username": registrar.email, "password": TEST_PASSWORD}
    )
    assert login.status_code != 302
    assert StaffUser.objects.get(pk=registrar.pk).is_active is False


def test_a_registrar_unticked_active_on_the_change_form_is_logged_out_at_once(
    decider_client, registrar
):
    from tests.admin.test_staff_admin import change_data, change_url

    registrar_browser = Client()
    registrar_browser.force_login(registrar)
    response = decider_client.post(change_url(registrar), change_data(registrar, is_active=None))
    assert response.status_code == 302
    registrar.refresh_from_db()
    assert not registrar.is_active
    response = registrar_browser.get(reverse("portal:start"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
