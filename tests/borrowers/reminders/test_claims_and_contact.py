"""The guards of the reminder run that a mutation run found unproven: the counts when
another run claimed everything, the claim's time, and the contact a branch borrower gets."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from borrowers import reminders
from borrowers.contact import contact_for
from borrowers.models import ExpiryReminder
from core.contact import MTM_CONTACT
from notifications.models import OutgoingMail
from tests.factories import BorrowerFactory, LibraryFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("send_expiry_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_batch_another_run_claimed_whole_is_counted_as_already_sent(
    ends_in, mailoutbox, monkeypatch
):
    """Both borrowers looked due when read; the other run inserted both reminders
    before this run's insert: nothing is mailed, and cron is told so."""
    first, second = ends_in(1), ends_in(6)
    real_claim = reminders._claim

    def claim_after_another_run(due, now):
        for borrower in due:
            ExpiryReminder.objects.create(borrower=borrower, valid_until=borrower.valid_until)
        return real_claim(due, now)

    monkeypatch.setattr(reminders, "_claim", claim_after_another_run)

    assert run() == "Queued 0 reminders, 2 already sent.\n"
    assert mailoutbox == []
    assert not OutgoingMail.objects.exists()
    assert not AuditEvent.objects.filter(borrower_code__in=[first.code, second.code]).exists()


def test_the_counts_add_up_over_several_batches(ends_in, mailoutbox):
    for days in range(5):
        ends_in(days)
    assert run("--batch-size", "2") == "Queued 5 reminders, 0 already sent.\n"
    ends_in(9)
    assert run("--batch-size", "2") == "Queued 1 reminder, 5 already sent.\n"
    assert len(mailoutbox) == 6


def test_the_reminder_records_when_it_was_claimed(ends_in, today, time_machine):
    borrower = ends_in(3)
    claimed_at = timezone.now()
    run()
    time_machine.shift(60)
    run()  # a rerun claims nothing and keeps the first time
    [reminder] = ExpiryReminder.objects.filter(borrower=borrower)
    assert reminder.sent_at == claimed_at
    assert reminder.valid_until == borrower.valid_until


def test_a_branch_without_a_website_gives_its_main_librarys_in_the_reminder(
    ends_in, branch_a, library_a, mailoutbox
):
    library_a.website = "https://bibliotek-a.example/talbok"
    library_a.save()
    ends_in(2, library=branch_a)
    run()

    [message] = mailoutbox
    [(html, _)] = message.alternatives
    assert branch_a.name in message.body and branch_a.name in html
    assert "Webbadress: https://bibliotek-a.example/talbok" in message.body
    assert 'href="https://bibliotek-a.example/talbok"' in html


# -- contact_for: the branch's own detail first, then its main library's --------------


@pytest.fixture
def main_library():
    return LibraryFactory(
        name="Huvudbiblioteket",
        phone="08-111 11 11",
        email="info@huvud.example",
        contact_email="talbok@huvud.example",
        website="https://huvud.example",
    )


def branch(main, **details):
    blank = {"phone": "", "email": "", "contact_email": "", "website": ""}
    return LibraryFactory(name="Filialen", parent=main, **{**blank, **details})


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        (
            {
                "phone": "08-222",
                "email": "info@filial.example",
                "website": "https://filial.example",
            },
            {
                "phone": "08-222",
                "email": "info@filial.example",
                "website": "https://filial.example",
            },
        ),
        ({"contact_email": "talbok@filial.example"}, {"email": "talbok@filial.example"}),
        (
            {"email": "info@filial.example", "contact_email": "talbok@filial.example"},
            {"email": "info@filial.example"},
        ),
        ({}, {"phone": "08-111 11 11", "email": "info@huvud.example"}),
        ({}, {"website": "https://huvud.example"}),
    ],
)
def test_a_branch_detail_comes_from_the_branch_when_it_has_one(main_library, details, expected):
    borrower = BorrowerFactory(library=branch(main_library, **details))
    contact = contact_for(borrower)
    assert contact["name"] == "Filialen"
    for key, value in expected.items():
        assert contact[key] == value


def test_the_main_librarys_talking_book_address_is_the_last_resort(main_library):
    main_library.email = ""
    main_library.save()
    contact = contact_for(BorrowerFactory(library=branch(main_library)))
    assert contact["email"] == "talbok@huvud.example"


def test_a_protected_identity_is_sent_to_mtm(db):
    assert contact_for(BorrowerFactory(protected=True)) == MTM_CONTACT


def test_the_very_first_borrower_is_reminded_too(ends_in, mailoutbox):
    """Keyset pagination starts below the lowest possible pk."""
    first = ends_in(3, id=1)
    assert run() == "Queued 1 reminder, 0 already sent.\n"
    assert [m.to for m in mailoutbox] == [[first.email]]


def test_a_dry_run_counts_every_batch(ends_in, mailoutbox):
    for days in range(3):
        ends_in(days)
    out = run("--dry-run", "--batch-size", "1")
    assert out.count("Would remind") == 3
    assert out.endswith("Would queue 3 reminders, 0 already sent.\n")
    assert mailoutbox == []


def test_the_run_returns_its_counts(ends_in, today):
    ends_in(2)
    assert reminders.send_expiry_reminders(today=today) == reminders.ReminderRun(
        queued=1, already_sent=0
    )
    assert reminders.send_expiry_reminders(today=today) == reminders.ReminderRun(
        queued=0, already_sent=1
    )
