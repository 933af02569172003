"""Mail is queued in the transaction that causes it and sent by the worker."""

from smtplib import SMTPServerDisconnected

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from notifications import mail as mail_module
from notifications.mail import queue_mail, queue_mails, resend, retry_delay
from notifications.models import MailKind, MailStatus, OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_mail_queued_in_a_rolled_back_transaction_is_never_sent(
    database_queue, registrar, mailoutbox
):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
        raise RuntimeError("the change failed")
    run_worker()
    assert mailoutbox == []
    assert not OutgoingMail.objects.exists() and not DBTaskResult.objects.exists()


def test_mail_queued_in_a_committed_transaction_is_sent_by_the_worker(
    database_queue, registrar, mailoutbox
):
    with transaction.atomic():
        queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    assert mailoutbox == []  # nothing leaves before the worker runs
    run_worker()
    assert [m.to for m in mailoutbox] == [[registrar.email]]
    mail = OutgoingMail.objects.get()
    assert mail.status == MailStatus.SENT and mail.attempts == 1 and mail.sent_at
    assert mail.subject == "Välj ett nytt lösenord till användarregistret"


def test_the_stored_mail_holds_no_link_or_token(database_queue, registrar):
    queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    mail = OutgoingMail.objects.get()
    assert mail.context == {"user": registrar.pk}
    task = DBTaskResult.objects.get()
    assert "nytt-losenord" not in str(task.args_kwargs)


def test_a_failed_delivery_is_retried_later(database_queue, registrar, mailoutbox, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(mail_module.EmailMultiAlternatives, "send", refuse)
    queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    run_worker()
    mail = OutgoingMail.objects.get()
    assert mail.status == MailStatus.QUEUED and mail.attempts == 1
    assert "Connection unexpectedly closed" in mail.last_error
    assert mail.next_attempt_at is not None
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after == mail.next_attempt_at


def test_mail_fails_for_good_after_the_last_attempt_and_can_be_resent(
    database_queue, registrar, mailoutbox, monkeypatch, settings
):
    settings.MAIL_MAX_ATTEMPTS = 1
    original_send = mail_module.EmailMultiAlternatives.send
    monkeypatch.setattr(
        mail_module.EmailMultiAlternatives,
        "send",
        lambda self, *a, **k: (_ for _ in ()).throw(ConnectionRefusedError("refused")),
    )
    mail = queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    run_worker()
    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED and "refused" in mail.last_error

    monkeypatch.setattr(mail_module.EmailMultiAlternatives, "send", original_send)
    resend(mail)
    run_worker()
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and len(mailoutbox) == 1


def test_mail_for_a_removed_account_is_cancelled(database_queue, registrar, mailoutbox):
    mail = queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    registrar.is_active = False
    registrar.save()
    run_worker()
    mail.refresh_from_db()
    assert mail.status == MailStatus.CANCELLED and mailoutbox == []


def test_retry_delays_grow_and_are_capped(settings):
    settings.MAIL_RETRY_BASE_SECONDS = 60
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert retry_delay(20).total_seconds() == 3600


def test_mails_queued_in_bulk_each_get_their_own_delivery(database_queue, registrar, mtm_staff):
    with transaction.atomic():
        rows = queue_mails(
            MailKind.STAFF_PASSWORD_RESET,
            [(registrar.email, {"user": registrar.pk}), (mtm_staff.email, {"user": mtm_staff.pk})],
        )
    assert DBTaskResult.objects.count() == 1  # one task for the whole batch …
    run_worker()
    deliveries = DBTaskResult.objects.filter(task_path__endswith=".deliver_mail")
    assert deliveries.count() == 2  # … then one each, with its own retries
    assert {m.status for m in OutgoingMail.objects.filter(pk__in=[r.pk for r in rows])} == {
        MailStatus.SENT
    }


def test_mails_queued_in_bulk_in_a_rolled_back_transaction_are_never_sent(
    database_queue, registrar, mailoutbox
):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_mails(MailKind.STAFF_PASSWORD_RESET, [(registrar.email, {"user": registrar.pk})])
        raise RuntimeError("the change failed")
    run_worker()
    assert mailoutbox == [] and not OutgoingMail.objects.exists()


def test_a_mail_that_cannot_be_rendered_fails_with_its_error_instead_of_waiting_forever(
    database_queue, registrar, mailoutbox
):
    mail = queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user="not-an-id")
    run_worker()
    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED and "not-an-id" in mail.last_error
    assert mailoutbox == []
