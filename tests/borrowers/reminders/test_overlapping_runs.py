"""Two copies of the command at the same moment, on PostgreSQL with real
concurrent transactions: both read the same borrowers as due, one mail each."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from borrowers import reminders
from borrowers.models import ExpiryReminder
from notifications.models import OutgoingMail

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="real concurrent transactions need PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_runs_at_once_send_one_mail_per_borrower(ends_in, today, monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    due = [ends_in(n) for n in range(6)]
    both_have_read = threading.Barrier(2, timeout=20)
    real_claim = reminders._claim

    def claim_when_both_have_read(batch, now):
        both_have_read.wait()  # both runs saw every borrower as not yet reminded
        return real_claim(batch, now)

    monkeypatch.setattr(reminders, "_claim", claim_when_both_have_read)
    results, errors = [], []

    def one_run():
        try:
            results.append(reminders.send_expiry_reminders(today=today))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert sorted(run.queued for run in results) == [0, 6]
    assert sorted(run.already_sent for run in results) == [0, 6]
    assert OutgoingMail.objects.count() == ExpiryReminder.objects.count() == len(due)
