"""A worker that dies while sending (SIGKILL, lost host) leaves its task RUNNING:
once the lease has run out, the next worker sends the mail, once, with the same
Message-ID as the attempt that died (docs/operations.md, "Mail")."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core.management import call_command, get_commands
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks_db.management.commands import db_worker as library
from django_tasks_db.models import DBTaskResult

from notifications import mail as mail_module
from notifications.mail import queue_mail
from notifications.management.commands import db_worker
from notifications.models import MailKind, MailStatus, OutgoingMail
from notifications.recovery import requeue_stale_tasks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAIL_LEASE_SECONDS = 300


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def claimed_by_a_worker_that_died(mail, *, seconds_ago):
    """What a killed worker leaves behind: its task RUNNING, the mail still queued
    (the transaction that would have recorded the send was rolled back)."""
    task = DBTaskResult.objects.get(
        task_path__endswith=".deliver_mail", args_kwargs__args=[mail.pk]
    )
    task.claim("worker-that-died")
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    return task


def test_the_project_worker_is_the_one_manage_py_runs():
    assert get_commands()["db_worker"] == "notifications"


def test_mail_of_a_worker_that_died_is_sent_once_by_the_next_worker_after_the_lease(
    database_queue, registrar, mailoutbox
):
    mail = queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    task = claimed_by_a_worker_that_died(mail, seconds_ago=301)

    run_worker()
    run_worker()  # nothing more to do

    assert [m.to for m in mailoutbox] == [[registrar.email]]
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and mail.attempts == 1
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.worker_ids[0] == "worker-that-died" and len(task.worker_ids) == 2


def test_mail_claimed_within_the_lease_is_left_to_its_worker(database_queue, registrar, mailoutbox):
    mail = queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    task = claimed_by_a_worker_that_died(mail, seconds_ago=299)

    run_worker()

    assert mailoutbox == []
    task.refresh_from_db()
    assert task.status == "RUNNING"
    assert requeue_stale_tasks(now=timezone.now() + timedelta(seconds=2)) == 1


def test_a_running_worker_recovers_stale_mail_in_the_background(
    database_queue, registrar, mailoutbox
):
    mail = queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    task = claimed_by_a_worker_that_died(mail, seconds_ago=400)

    class OneRound:  # stop.wait(): time for one round, then stop
        rounds = iter([False, True])

        def wait(self, seconds):
            return next(self.rounds)

    db_worker.recover_periodically(OneRound(), 150)
    task.refresh_from_db()
    assert task.status == "READY"
    run_worker()
    assert len(mailoutbox) == 1


def test_only_the_mail_tasks_are_requeued(database_queue, registrar):
    other = DBTaskResult.objects.create(
        status="RUNNING",
        started_at=timezone.now() - timedelta(days=1),
        args_kwargs={"args": [], "kwargs": {}},
        task_path="somewhere.else.not_idempotent",
        backend_name="default",
        run_after=timezone.now(),
    )
    assert requeue_stale_tasks() == 0
    other.refresh_from_db()
    assert other.status == "RUNNING"


def test_a_finished_task_is_never_requeued(database_queue, registrar, mailoutbox):
    queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    run_worker()
    DBTaskResult.objects.update(started_at=timezone.now() - timedelta(days=1))
    assert requeue_stale_tasks() == 0
    assert len(mailoutbox) == 1


def test_every_attempt_at_a_mail_carries_the_same_message_id(
    database_queue, registrar, mailoutbox, monkeypatch, settings
):
    settings.MAIL_RETRY_BASE_SECONDS = 0
    original_send = mail_module.EmailMultiAlternatives.send
    seen = []

    def refuse_first(self, *args, **kwargs):
        seen.append(self.message()["Message-ID"])
        if len(seen) == 1:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return original_send(self, *args, **kwargs)

    monkeypatch.setattr(mail_module.EmailMultiAlternatives, "send", refuse_first)
    mail = queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    other = queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    run_worker()

    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and mail.attempts == 2
    first = seen[0]
    assert first.startswith(f"<mail-{mail.pk}.") and first.endswith("@register.example>")
    assert seen.count(first) == 2  # the refused attempt and the one that was sent
    assert OutgoingMail.objects.get(pk=other.pk).status == MailStatus.SENT
    sent_ids = [m.message()["Message-ID"] for m in mailoutbox]
    assert first in sent_ids and len(set(sent_ids)) == 2  # another mail, another id


def test_the_worker_waits_out_a_database_outage_instead_of_exiting(database_queue, monkeypatch):
    calls = []

    def library_worker(self, *args, **options):
        calls.append(options["batch"])
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(library.Command, "handle", library_worker)
    monkeypatch.setattr(db_worker, "DATABASE_RETRY_SECONDS", 0)
    call_command("db_worker", "--no-reload", "--no-startup-delay", verbosity=0)
    assert calls == [False, False]  # ran again after the outage

    calls.clear()
    with pytest.raises(OperationalError):  # a one-off batch run reports the outage
        call_command("db_worker", "--batch", "--no-reload", verbosity=0)
