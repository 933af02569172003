"""Delivery through a real SMTP server (aiosmtpd on 127.0.0.1) that is down and
comes back: the change that queued the mail succeeds, the worker retries, and
the mail arrives exactly once (SPEC §2 Mail: a commit loses nothing)."""

import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from notifications.models import MailKind, MailStatus, OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [message_from_bytes(e.content, policy=default_policy) for e in self.envelopes]


class SmtpServer:
    """A local SMTP server on a fixed free port that can be stopped and started."""

    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self._controller = None

    def start(self):
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller:
            self._controller.stop()
            self._controller = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """Down until the test starts it; the mail backend points at it."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAIL_RETRY_BASE_SECONDS = 0  # a retry is due at once: --batch will run it
    yield server
    server.stop()


def run_worker(*args):
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", *args, verbosity=0)


def test_mail_queued_while_the_server_is_down_arrives_once_when_it_is_back(
    client, registrar, smtp_server
):
    # The triggering action (Glömt lösenord) succeeds although the server is down.
    response = client.post(reverse("accounts:password_reset"), {"email": registrar.email})
    assert response.status_code == 302

    run_worker("--max-tasks", "1")  # the reset task looks the address up, queues the mail
    run_worker("--max-tasks", "1")  # one attempt, refused
    mail = OutgoingMail.objects.get()
    assert mail.kind == MailKind.STAFF_PASSWORD_RESET
    assert mail.status == MailStatus.QUEUED and mail.attempts == 1
    assert "ConnectionRefusedError" in mail.last_error
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # the retry
    assert smtp_server.inbox.envelopes == []

    smtp_server.start()
    run_worker()
    run_worker()  # a second pass finds nothing more to send

    [envelope] = smtp_server.inbox.envelopes
    assert envelope.rcpt_tos == [registrar.email]
    [message] = smtp_server.inbox.messages
    assert message["Subject"].strip() == "Välj ett nytt lösenord till användarregistret"
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and mail.attempts == 2 and mail.last_error == ""
    assert mail.sent_at is not None and mail.next_attempt_at is None
    assert OutgoingMail.objects.count() == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_mail_whose_attempts_run_out_fails_with_its_error(registrar, smtp_server, settings):
    from notifications.mail import queue_mail

    settings.MAIL_MAX_ATTEMPTS = 3
    mail = queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)

    run_worker()  # the server never comes up: three attempts, then no more

    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED and mail.attempts == 3
    assert "ConnectionRefusedError" in mail.last_error
    assert mail.next_attempt_at is None
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_an_address_the_mail_backend_refuses_fails_at_once_with_its_error(
    registrar, smtp_server, settings
):
    from notifications.mail import queue_mail

    # An unquoted colon in the display name (as the old default sender had).
    settings.DEFAULT_FROM_EMAIL = "MTM:s användarregister <noreply@mtm.example>"
    smtp_server.start()
    mail = queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)

    run_worker()

    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED and mail.attempts == 1
    assert "Invalid address" in mail.last_error
    assert smtp_server.inbox.envelopes == []


def test_the_default_sender_is_accepted_by_a_real_mail_server(registrar, smtp_server):
    from django.conf import settings as live_settings

    from notifications.mail import queue_mail

    smtp_server.start()
    queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    run_worker()
    [message] = smtp_server.inbox.messages
    assert message["From"].addresses[0].addr_spec == "noreply@mtm.example"
    assert message["From"].addresses[0].display_name == "MTM:s användarregister"
    assert live_settings.DEFAULT_FROM_EMAIL.startswith('"MTM:s')
