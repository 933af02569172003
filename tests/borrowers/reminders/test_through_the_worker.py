"""The cron command and the real mail worker together: one mail per borrower."""

from io import StringIO

import pytest
from django.core.management import call_command

from notifications.models import MailStatus, OutgoingMail

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("queue_without_delivery"),
]


def test_two_runs_then_the_worker_deliver_one_mail_per_due_borrower(ends_in, mailoutbox):
    due = [ends_in(1), ends_in(13)]
    for _ in range(2):
        call_command("send_expiry_reminders", stdout=StringIO())
    assert mailoutbox == []  # nothing leaves before the worker runs

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert sorted(m.to[0] for m in mailoutbox) == sorted(b.email for b in due)
    assert list(OutgoingMail.objects.values_list("status", flat=True)) == [MailStatus.SENT] * 2
