"""Utgående e-post in the admin: MTM sees failed mail with its error and resends it."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from notifications.models import MailKind, MailStatus, OutgoingMail

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notifications_outgoingmail_changelist")
ERROR = "SMTPRecipientsRefused: {'rita@a.example': (550, b'5.1.1 Mailbox unavailable')}"


@pytest.fixture
def mtm_client(client, mtm_staff):
    client.force_login(mtm_staff)
    return client


@pytest.fixture
def failed_mail(registrar):
    return OutgoingMail.objects.create(
        kind=MailKind.STAFF_PASSWORD_RESET,
        to=registrar.email,
        context={"user": registrar.pk},
        status=MailStatus.FAILED,
        attempts=8,
        last_error=ERROR,
    )


def resend_action(client, *mails):
    return client.post(
        CHANGELIST,
        {"action": "send_again", "_selected_action": [m.pk for m in mails]},
        follow=True,
    )


def test_mtm_sees_a_failed_mails_error_in_the_changelist(mtm_client, failed_mail):
    html = mtm_client.get(CHANGELIST, {"status__exact": "failed"}).content.decode()
    assert "550, b&#x27;5.1.1 Mailbox unavailable" in html
    assert failed_mail.to in html and "Misslyckat" in html
    assert "Skicka igen" in html  # the action is offered


def test_mtm_resends_a_failed_mail_from_the_changelist(mtm_client, failed_mail, mailoutbox):
    response = resend_action(mtm_client, failed_mail)

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 e-postmeddelande skickas igen."
    ]
    failed_mail.refresh_from_db()
    assert failed_mail.status == MailStatus.SENT and failed_mail.attempts == 1
    assert [m.to for m in mailoutbox] == [[failed_mail.to]]


def test_mail_already_sent_is_not_sent_again(mtm_client, failed_mail, mailoutbox):
    failed_mail.status = MailStatus.SENT
    failed_mail.save()

    response = resend_action(mtm_client, failed_mail)

    [message] = get_messages(response.wsgi_request)
    assert "bara misslyckad eller avbruten e-post" in str(message)
    assert mailoutbox == []


def test_mail_is_searched_by_recipient_and_filtered_by_kind(mtm_client, failed_mail):
    OutgoingMail.objects.create(kind=MailKind.EXPIRY_REMINDER, to="annan@post.example")

    by_recipient = mtm_client.get(CHANGELIST, {"q": "rita@"}).context["cl"].result_list
    by_kind = mtm_client.get(CHANGELIST, {"kind__exact": "expiry_reminder"}).context["cl"]

    assert list(by_recipient) == [failed_mail]
    assert [m.to for m in by_kind.result_list] == ["annan@post.example"]


def test_nothing_can_be_added_edited_or_deleted(mtm_client, failed_mail):
    change = reverse("admin:notifications_outgoingmail_change", args=[failed_mail.pk])
    assert mtm_client.get(reverse("admin:notifications_outgoingmail_add")).status_code == 403
    page = mtm_client.get(change)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert mtm_client.post(change, {"to": "ny@post.example"}).status_code == 403
    delete = reverse("admin:notifications_outgoingmail_delete", args=[failed_mail.pk])
    assert mtm_client.post(delete, {"post": "yes"}).status_code == 403
    failed_mail.refresh_from_db()
    assert failed_mail.to != "ny@post.example"


def test_a_registrar_cannot_see_outgoing_mail(registrar_client, failed_mail):
    response = registrar_client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response.url
