"""manage.py send_expiry_reminders: one mail per borrower and end date (SPEC §2 Mail)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Action, AuditEvent
from borrowers import reminders
from borrowers.models import ExpiryReminder
from notifications.models import MailKind, OutgoingMail
from tests.borrowers.reminders.conftest import morning_of
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("send_expiry_reminders", *args, stdout=out)
    return out.getvalue()


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def test_it_mails_every_due_borrower_once_naming_the_date_and_the_library(
    ends_in, library_a, mailoutbox
):
    library_a.phone = "08-123 45 67"
    library_a.email = "talbok@a.example"
    library_a.save()
    borrowers = [ends_in(0), ends_in(7), ends_in(14)]

    assert run() == "Queued 3 reminders, 0 already sent.\n"

    assert sorted(m.to[0] for m in mailoutbox) == sorted(b.email for b in borrowers)
    for borrower in borrowers:
        [message] = [m for m in mailoutbox if m.to == [borrower.email]]
        date = f"{borrower.valid_until:%Y-%m-%d}"
        assert message.subject == f"Ditt konto i Legimus slutar gälla {date}"
        for body in (message.body, html_of(message)):
            assert f"gäller till och med {date}" in body
            assert "Kontakta ditt bibliotek" in body
            assert library_a.name in body
            assert "08-123 45 67" in body and "talbok@a.example" in body
    assert OutgoingMail.objects.filter(kind=MailKind.EXPIRY_REMINDER).count() == 3


def test_it_leaves_out_borrowers_who_are_not_due(ends_in, library_a, mailoutbox):
    ends_in(15)  # too far ahead
    ends_in(-1)  # already expired
    BorrowerFactory(library=library_a, valid_until=None)  # valid until further notice

    assert run() == "Queued 0 reminders, 0 already sent.\n"
    assert mailoutbox == [] and not ExpiryReminder.objects.exists()


def test_running_it_twice_sends_one_mail_per_borrower(ends_in, mailoutbox):
    ends_in(3)
    ends_in(10)

    assert run() == "Queued 2 reminders, 0 already sent.\n"
    assert run() == "Queued 0 reminders, 2 already sent.\n"

    assert len(mailoutbox) == 2
    assert ExpiryReminder.objects.count() == 2


def test_an_overlapping_run_that_claimed_a_borrower_first_wins(ends_in, mailoutbox, monkeypatch):
    """The other run inserts its reminder after this run read the batch (so this run
    saw the borrower as due) and before this run's insert: it must not mail them."""
    taken, free = ends_in(3), ends_in(5)
    real_claim = reminders._claim

    def claim_after_another_run(due, now):
        assert {b.pk for b in due} == {taken.pk, free.pk}  # both looked due when read
        ExpiryReminder.objects.create(borrower=taken, valid_until=taken.valid_until)
        return real_claim(due, now)

    monkeypatch.setattr(reminders, "_claim", claim_after_another_run)

    assert run() == "Queued 1 reminder, 1 already sent.\n"
    assert [m.to for m in mailoutbox] == [[free.email]]
    assert ExpiryReminder.objects.filter(borrower=taken).count() == 1
    assert not AuditEvent.objects.filter(borrower_code=taken.code).exists()


def test_a_missed_day_is_caught_up(ends_in, today, time_machine, mailoutbox):
    borrower = ends_in(15)
    assert run() == "Queued 0 reminders, 0 already sent.\n"
    # Cron does not run the next day (14 days left); the day after, 13 days are left.
    time_machine.move_to(morning_of(today + timedelta(days=2)), tick=False)

    assert run() == "Queued 1 reminder, 0 already sent.\n"
    assert [m.to for m in mailoutbox] == [[borrower.email]]


def test_extending_the_validity_re_arms_the_reminder(ends_in, today, time_machine, mailoutbox):
    borrower = ends_in(5)
    run()
    borrower.valid_until = today + timedelta(days=200)
    borrower.save()
    assert run() == "Queued 0 reminders, 0 already sent.\n"  # the new date is far off

    time_machine.move_to(morning_of(today + timedelta(days=190)), tick=False)
    assert run() == "Queued 1 reminder, 0 already sent.\n"

    assert len(mailoutbox) == 2
    assert f"{borrower.valid_until:%Y-%m-%d}" in mailoutbox[1].subject
    assert set(borrower.reminders.values_list("valid_until", flat=True)) == {
        today + timedelta(days=5),
        borrower.valid_until,
    }


def test_a_protected_borrower_is_told_to_contact_mtm_and_no_library(ends_in, library_a, mailoutbox):
    ends_in(4, protected=True)
    run()

    [message] = mailoutbox
    for body in (message.body, html_of(message)):
        assert "Kontakta MTM" in body
        assert "08-580 02 710" in body and "info@mtm.se" in body
        assert "ditt bibliotek" not in body and library_a.name not in body


def test_a_branch_borrower_is_sent_to_the_branch_with_the_main_librarys_details(
    ends_in, branch_a, library_a, mailoutbox
):
    library_a.phone = "08-123 45 67"
    library_a.save()
    ends_in(2, library=branch_a)
    run()

    [message] = mailoutbox
    assert branch_a.name in message.body and "08-123 45 67" in message.body


def test_dry_run_sends_and_writes_nothing_and_prints_only_code_and_date(ends_in, mailoutbox):
    ends_in(8)
    run()  # reminds the first borrower for real
    due = ends_in(6, samordningsnummer=True)
    mailoutbox.clear()
    before = (ExpiryReminder.objects.count(), OutgoingMail.objects.count())
    events = AuditEvent.objects.count()

    output = run("--dry-run")

    assert output.splitlines() == [
        f"Would remind {due.code} (ends {due.valid_until:%Y-%m-%d})",
        "Would queue 1 reminder, 1 already sent.",
    ]
    for personal in (due.email, due.identifier, due.display_identifier, due.last_name):
        assert personal not in output
    assert mailoutbox == []
    assert (ExpiryReminder.objects.count(), OutgoingMail.objects.count()) == before
    assert AuditEvent.objects.count() == events


def test_it_records_an_audit_event_per_reminder(ends_in, library_a):
    borrower = ends_in(9)
    run()
    event = AuditEvent.objects.get(borrower_code=borrower.code)
    assert event.action == Action.REMINDER_SENT and event.actor is None
    assert event.library == library_a
    assert event.detail == {"valid_until": f"{borrower.valid_until:%Y-%m-%d}"}


def test_the_window_follows_days(ends_in, mailoutbox):
    ends_in(20)
    assert run("--days", "30") == "Queued 1 reminder, 0 already sent.\n"


def test_help_states_the_condition_the_schedule_and_idempotence():
    from borrowers.management.commands.send_expiry_reminders import Command

    help_text = Command.help
    assert "has not yet been reminded for that end date" in help_text
    assert "daily" in help_text and "Idempotent" in help_text


#: SELECT the batch; SAVEPOINT; claim; the mail rows; one task; the audit rows; RELEASE.
QUERIES_PER_BATCH = 7


@pytest.mark.usefixtures("queue_without_delivery")
def test_a_batch_takes_the_same_number_of_queries_whatever_its_size(
    ends_in, library_a, library_b, today
):
    def queries_of_one_batch_run() -> int:
        with CaptureQueriesContext(connection) as queries:
            reminders.send_expiry_reminders(today=today, batch_size=100)
        return len(queries)

    for n in range(3):
        ends_in(n)
    small = queries_of_one_batch_run()
    for n in range(30):  # at both libraries, mixed with the three already reminded
        ends_in(n % 15, library=library_b if n % 2 else library_a)
    large = queries_of_one_batch_run()

    assert small == large <= QUERIES_PER_BATCH
    assert OutgoingMail.objects.count() == 33


@pytest.mark.usefixtures("queue_without_delivery")
def test_queries_grow_with_the_number_of_batches_only(
    ends_in, today, django_assert_max_num_queries
):
    for n in range(9):
        ends_in(n)
    # Three full batches, then one look that finds nothing more.
    with django_assert_max_num_queries(3 * QUERIES_PER_BATCH + 1):
        run_ = reminders.send_expiry_reminders(today=today, batch_size=3)
    assert (run_.queued, run_.already_sent) == (9, 0)
    assert ExpiryReminder.objects.count() == 9
