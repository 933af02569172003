"""The reminder mail is built at delivery: a stale one is cancelled, not sent."""

from datetime import timedelta

import pytest

from borrowers.reminders import send_expiry_reminders
from notifications.mail import deliver_mail
from notifications.models import MailStatus, OutgoingMail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("queue_without_delivery")]


def test_a_reminder_whose_end_date_changed_before_delivery_is_cancelled(ends_in, today, mailoutbox):
    borrower = ends_in(3)
    send_expiry_reminders(today=today)
    borrower.valid_until = today + timedelta(days=365)  # extended while the mail waited
    borrower.save()

    mail = OutgoingMail.objects.get()
    assert deliver_mail.call(mail.pk) == "cancelled"
    mail.refresh_from_db()
    assert mail.status == MailStatus.CANCELLED and mailoutbox == []


def test_a_reminder_for_a_deleted_borrower_is_cancelled(ends_in, today, mailoutbox):
    borrower = ends_in(3)
    send_expiry_reminders(today=today)
    borrower.delete()

    assert deliver_mail.call(OutgoingMail.objects.get().pk) == "cancelled"
    assert mailoutbox == []


def test_the_stored_mail_holds_only_ids_and_the_date(ends_in, today):
    borrower = ends_in(3)
    send_expiry_reminders(today=today)
    mail = OutgoingMail.objects.get()
    assert mail.to == borrower.email
    assert mail.context == {"borrower": borrower.pk, "valid_until": f"{borrower.valid_until}"}
