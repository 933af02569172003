"""MTM decides in the admin: approval creates the account (or branch) and mails it;
rejection mails the reason; each decision recorded, in one transaction."""

import pytest
from django.urls import reverse

from accounts.models import Role, StaffUser
from applications.models import AccountApplication, DecisionRefused, Status
from libraries.models import Library
from notifications.models import MailKind, OutgoingMail
from tests.factories import StaffFactory

ACCOUNT_LIST = reverse("admin:applications_accountapplication_changelist")
BRANCH_LIST = reverse("admin:applications_branchapplication_changelist")


def decide_url(application):
    name = application._meta.model_name
    return reverse(f"admin:applications_{name}_decide", args=[application.pk])


# --- account applications -----------------------------------------------------------------


def test_approval_creates_the_account_at_the_main_library_and_mails_a_set_password_link(
    decider_client, decider, account_application, branch_a, library_a, mailoutbox
):
    account_application.library = branch_a  # applied at the branch
    account_application.save()
    response = decider_client.post(decide_url(account_application), {"approve": "1"})
    assert response.status_code == 302 and response.url == ACCOUNT_LIST

    user = StaffUser.objects.get(email="alva@a.example")
    assert (user.library, user.role) == (library_a, Role.REGISTRAR)
    assert (user.first_name, user.last_name, user.phone) == ("Alva", "Ansökare", "08-123 45 67")
    assert not user.has_usable_password()
    account_application.refresh_from_db()
    assert account_application.status == Status.APPROVED
    assert account_application.decided_by == decider and account_application.decided_at
    assert account_application.account == user
    mail = OutgoingMail.objects.get()
    assert (mail.kind, mail.to, mail.context) == (
        MailKind.STAFF_WELCOME,
        user.email,
        {"user": user.pk},
    )
    assert "/konto/nytt-losenord/" in mailoutbox[0].body


def test_a_mediator_application_creates_a_mediator(decider, account_application):
    account_application.role = Role.MEDIATOR
    account_application.save()
    user = account_application.approve(by=decider)
    assert user.role == Role.MEDIATOR and not user.is_registrar


def test_approval_is_refused_when_the_email_has_an_account(
    decider_client, account_application, library_b
):
    StaffFactory(email="ALVA@a.example", library=library_b)
    page = decider_client.get(decide_url(account_application)).content.decode()
    assert "Ett annat personalkonto har redan den här e-postadressen" in page
    response = decider_client.post(decide_url(account_application), {"approve": "1"}, follow=True)
    assert "Ett annat personalkonto har redan alva@a.example" in response.content.decode()
    account_application.refresh_from_db()
    assert account_application.status == Status.PENDING and account_application.decided_by is None
    assert StaffUser.objects.filter(email__iexact="alva@a.example").count() == 1
    assert not OutgoingMail.objects.exists()


def test_the_list_marks_an_email_that_already_has_an_account(
    decider_client, account_application, library_b, django_assert_max_num_queries
):
    StaffFactory(email="alva@a.example", library=library_b)
    # 13: one more than before for the second factor (django-otp loads the device).
    with django_assert_max_num_queries(13):
        response = decider_client.get(ACCOUNT_LIST)
    [row] = response.context["cl"].result_list
    assert row.email_in_use
    assert 'alt="True"' in response.content.decode()


def test_rejection_mails_the_reason_and_records_the_decision(
    decider_client, decider, account_application, mailoutbox
):
    response = decider_client.post(
        decide_url(account_application), {"reject": "1", "reason": "Du arbetar inte där."}
    )
    assert response.status_code == 302
    account_application.refresh_from_db()
    assert account_application.status == Status.REJECTED
    assert account_application.decided_by == decider
    assert account_application.rejection_reason == "Du arbetar inte där."
    assert not StaffUser.objects.filter(email="alva@a.example").exists()
    [mail] = mailoutbox
    assert mail.to == ["alva@a.example"]
    assert mail.subject == "Din ansökan om konto i MTM:s användarregister"
    assert "Du arbetar inte där." in mail.body and "Bibliotek A" in mail.body
    assert "Du arbetar inte där." in mail.alternatives[0][0]


def test_rejection_needs_a_reason(decider_client, account_application):
    response = decider_client.post(decide_url(account_application), {"reject": "1", "reason": " "})
    assert response.status_code == 200
    assert "Skriv en motivering: den skickas till den sökande." in response.content.decode()
    account_application.refresh_from_db()
    assert account_application.is_pending


def test_a_decided_application_cannot_be_decided_again(decider, account_application):
    account_application.reject(by=decider, reason="Nej.")
    with pytest.raises(DecisionRefused):
        AccountApplication.objects.get().approve(by=decider)
    assert not StaffUser.objects.filter(email="alva@a.example").exists()


def test_a_failure_after_the_claim_rolls_everything_back(decider, account_application, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr("applications.models.queue_mail", broken)
    with pytest.raises(RuntimeError):
        account_application.approve(by=decider)
    assert AccountApplication.objects.get().is_pending
    assert not StaffUser.objects.filter(email="alva@a.example").exists()


def test_the_approve_action_decides_several_and_reports_a_refusal(
    decider_client, account_application, library_a, library_b
):
    other = AccountApplication.objects.create(
        first_name="Bo",
        last_name="B",
        email="bo@b.example",
        phone="1",
        library=library_b,
        role=Role.REGISTRAR,
        works_at_library=True,
        course_taken=True,
    )
    taken = AccountApplication.objects.create(
        first_name="Rita",
        last_name="R",
        email="rita@a.example",
        phone="1",
        library=library_a,
        role=Role.REGISTRAR,
        works_at_library=True,
        course_taken=True,
    )
    StaffFactory(email="rita@a.example", library=library_a)
    response = decider_client.post(
        ACCOUNT_LIST,
        {
            "action": "approve_selected",
            "_selected_action": [account_application.pk, other.pk, taken.pk],
        },
        follow=True,
    )
    statuses = dict(AccountApplication.objects.values_list("email", "status"))
    assert statuses == {
        "alva@a.example": Status.APPROVED,
        "bo@b.example": Status.APPROVED,
        "rita@a.example": Status.PENDING,
    }
    assert "Ett annat personalkonto har redan rita@a.example" in response.content.decode()


def test_the_reject_action_asks_for_the_reason_on_a_page_of_its_own(
    decider_client, account_application, mailoutbox
):
    selected = {"action": "reject_selected", "_selected_action": [account_application.pk]}
    page = decider_client.post(ACCOUNT_LIST, selected)
    assert page.status_code == 200
    assert '<label class="required" for="id_reason">Motivering</label>' in page.content.decode()
    assert AccountApplication.objects.get().is_pending

    without_reason = decider_client.post(ACCOUNT_LIST, {**selected, "reason": ""})
    assert "Skriv en motivering" in without_reason.content.decode()

    done = decider_client.post(ACCOUNT_LIST, {**selected, "reason": "Okänd person."})
    assert done.status_code == 302
    assert AccountApplication.objects.get().status == Status.REJECTED
    assert "Okänd person." in mailoutbox[0].body


def test_applications_are_read_only_records_in_the_admin(decider_client, account_application):
    change = reverse("admin:applications_accountapplication_change", args=[account_application.pk])
    page = decider_client.get(change)
    assert page.status_code == 200
    assert decide_url(account_application) in page.content.decode()
    decider_client.post(change, {"first_name": "Ändrad"})
    assert AccountApplication.objects.get().first_name == "Alva"
    assert (
        decider_client.get(reverse("admin:applications_accountapplication_add")).status_code == 403
    )


def test_staff_without_the_right_cannot_decide(client, account_application):
    bare = StaffFactory(email="ny@mtm.example", library=None, role="", is_staff=True)
    client.force_login(bare)
    assert client.post(decide_url(account_application), {"approve": "1"}).status_code == 403
    assert AccountApplication.objects.get().is_pending


def test_library_staff_never_reach_the_decision_page(client, head_admin, account_application):
    client.force_login(head_admin)
    response = client.post(decide_url(account_application), {"approve": "1"})
    assert response.status_code == 302 and "/login/" in response.url
    assert AccountApplication.objects.get().is_pending


# --- branch applications ------------------------------------------------------------------


def test_branch_approval_creates_the_branch_and_mails_the_head_administrator(
    decider_client, decider, branch_application, library_a, head_admin, mailoutbox
):
    response = decider_client.post(decide_url(branch_application), {"approve": "1"})
    assert response.status_code == 302 and response.url == BRANCH_LIST
    branch = Library.objects.get(name="Bibliotek A – Östra filialen")
    assert branch.parent == library_a and branch.active
    assert (branch.street_address, branch.postal_code, branch.city) == (
        "Storgatan 1",
        "123 45",
        "Stockholm",
    )
    assert branch.municipality.name == "Stockholm"
    assert branch.library_type == library_a.library_type
    branch_application.refresh_from_db()
    assert branch_application.status == Status.APPROVED
    assert (branch_application.decided_by, branch_application.branch) == (decider, branch)
    [mail] = mailoutbox
    assert mail.to == [head_admin.email]
    assert mail.subject == "Filialen Bibliotek A – Östra filialen finns nu i användarregistret"
    assert "https://register.example/mitt-bibliotek/filialer/" in mail.body


def test_the_new_branch_is_in_the_registrars_branch_list(
    client, decider, branch_application, registrar
):
    branch = branch_application.approve(by=decider)
    client.force_login(registrar)
    assert branch in client.get(reverse("libraries:branches")).context["branches"]


def test_branch_rejection_mails_the_reason(
    decider_client, branch_application, head_admin, mailoutbox
):
    decider_client.post(
        decide_url(branch_application), {"reject": "1", "reason": "Filialen finns redan."}
    )
    branch_application.refresh_from_db()
    assert branch_application.status == Status.REJECTED
    assert not Library.objects.filter(name="Bibliotek A – Östra filialen").exists()
    [mail] = mailoutbox
    assert mail.to == [head_admin.email] and "Filialen finns redan." in mail.body


def test_every_application_mail_renders_in_swedish(
    decider, account_application, branch_application
):
    from notifications.mail import build_context, render_mail

    account_application.reject(by=decider, reason="Skäl.")
    branch_application.approve(by=decider)
    other = type(branch_application).objects.create(
        library=branch_application.library,
        applied_by=branch_application.applied_by,
        name="Västra",
        street_address="G 1",
        postal_code="123 45",
        city="S",
        municipality=branch_application.municipality,
    )
    other.reject(by=decider, reason="Skäl.")
    kinds = set()
    for mail in OutgoingMail.objects.all():
        message = render_mail(mail.kind, to=mail.to, context=build_context(mail))
        assert message.subject and "MTM" in message.body
        assert 'lang="sv"' in message.alternatives[0][0]
        kinds.add(mail.kind)
    assert kinds == {
        MailKind.ACCOUNT_APPLICATION_REJECTED,
        MailKind.BRANCH_APPLICATION_APPROVED,
        MailKind.BRANCH_APPLICATION_REJECTED,
    }


def test_approval_connects_a_library_of_the_directory(decider, decider_client, db):
    from applications.models import AccountApplication
    from tests.factories import LibraryFactory

    waiting = LibraryFactory(name="Vallentuna bibliotek", sigel="Vall", active=False)
    application = AccountApplication.objects.create(
        first_name="Vera",
        last_name="Vallentuna",
        email="vera@vallentuna.example",
        phone="08-000 00 00",
        library=waiting,
        role="registrerare",
        works_at_library=True,
        course_taken=True,
    )
    page = decider_client.get(decide_url(application)).content.decode()
    assert "Biblioteket är inte aktivt i registret" in page
    user = application.approve(by=decider)
    waiting.refresh_from_db()
    assert waiting.active and user.library == waiting
