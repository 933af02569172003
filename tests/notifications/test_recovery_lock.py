"""A live but slow worker outlives its lease: the requeued attempt waits for the
mail's row lock, then finds the mail sent and sends nothing (docs/operations.md, "Mail").

Each thread has its own database connection, so the two really run as two
concurrent transactions."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from notifications.mail import deliver_mail, queue_mail
from notifications.models import MailKind, MailStatus, OutgoingMail

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks")


def test_a_second_attempt_waits_for_the_slow_one_and_skips_the_sent_mail(
    settings, registrar, mailoutbox
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    mail = queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    locked, finish = threading.Event(), threading.Event()
    second = {}

    def slow_worker():  # holds the row lock as deliver_mail does while it sends
        try:
            with transaction.atomic():
                OutgoingMail.objects.select_for_update().get(pk=mail.pk)
                locked.set()
                finish.wait(10)
                OutgoingMail.objects.filter(pk=mail.pk).update(
                    status=MailStatus.SENT, attempts=1, sent_at=timezone.now()
                )
        finally:
            connections.close_all()

    def requeued_attempt():
        try:
            second["result"] = deliver_mail.call(mail.pk)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_worker)
    slow.start()
    assert locked.wait(10)
    again = threading.Thread(target=requeued_attempt)
    again.start()
    again.join(1)
    assert again.is_alive()  # waiting for the lock, not sending
    finish.set()
    slow.join(10)
    again.join(10)

    assert second["result"] == "skipped"
    assert mailoutbox == []
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and mail.attempts == 1
