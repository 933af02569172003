"""Invitations after go-live: to imported accounts without a usable password, once
each, at most N an hour, and the mail says the register has moved."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from borrowers.models import Borrower
from imports.invitations import send_invitations
from imports.models import ImportedAccount
from notifications.models import MailKind, OutgoingMail
from tests.factories import ADULT_PERSONNUMMER, LibraryFactory

from .conftest import borrower_row, run, staff_row
from .test_passwords import ssha_hash


@pytest.fixture
def imported(library, borrowers_file, staff_file):
    """Five borrowers (one with an old password) and a registrar, imported."""
    rows = [
        borrower_row(**{"Person-/Samordningsnummer": number, "E-post": f"p{i}@post.example"})
        for i, number in enumerate(ADULT_PERSONNUMMER[:5])
    ]
    rows[0]["Lösenordshash"] = ssha_hash()
    summary = run(staff_file(staff_row()), borrowers_file(*rows))
    assert summary.imported == 6
    return summary


def test_the_import_sends_no_mail(imported):
    assert not OutgoingMail.objects.exists()
    assert mail.outbox == []


def test_accounts_without_a_password_are_invited_once(imported):
    assert send_invitations(per_hour=100) == 5  # not the one with an old password

    assert send_invitations(per_hour=100) == 0
    kinds = sorted(OutgoingMail.objects.values_list("kind", flat=True))
    assert kinds == [MailKind.IMPORT_INVITATION] * 4 + [MailKind.STAFF_IMPORT_INVITATION]


def test_each_invitation_is_in_its_borrowers_language_and_staff_get_swedish(imported):
    english = Borrower.objects.get(email="p1@post.example")
    Borrower.objects.filter(pk=english.pk).update(language="en")
    send_invitations(per_hour=100)

    languages = dict(OutgoingMail.objects.values_list("to", "language"))
    assert languages.pop("p1@post.example") == "en"
    assert set(languages.values()) == {"sv"}  # the other borrowers and the registrar
    [sent] = [m for m in mail.outbox if m.to == ["p1@post.example"]]
    assert sent.subject == "The talking-book register has moved. Choose your password"
    assert sent.extra_headers["Content-Language"] == "en"


def test_at_most_n_an_hour_however_often_it_runs(imported):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert send_invitations(per_hour=2) == 2
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        assert send_invitations(per_hour=2) == 0  # the hour's two are already queued
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert send_invitations(per_hour=2) == 2
    with time_machine.travel(start + timedelta(minutes=125), tick=False):
        assert send_invitations(per_hour=2) == 1
    assert (
        not ImportedAccount.objects.filter(invited_at__isnull=True)
        .exclude(borrower__password__startswith="assha$")
        .exists()
    )


def test_the_dry_run_queues_nothing(imported, capsys):
    call_command("send_invitations", "--dry-run", "--per-hour", "3")

    assert "Köade inbjudningar: 3" in capsys.readouterr().out
    assert not OutgoingMail.objects.exists()
    assert not ImportedAccount.objects.filter(invited_at__isnull=False).exists()


def test_one_library_at_a_time(imported, borrowers_file):
    LibraryFactory(sigel="Zzz")
    other = borrower_row(
        **{"Person-/Samordningsnummer": ADULT_PERSONNUMMER[9], "E-post": "z@post.example"},
        Bibliotek="Zzz",
    )
    run(borrowers_file(other, name="andra.csv"))

    call_command("send_invitations", "--library", "zzz")

    assert list(OutgoingMail.objects.values_list("to", flat=True)) == ["z@post.example"]


def test_the_invitation_says_the_register_has_moved_and_links_to_choose_a_password(
    imported,
):
    send_invitations(per_hour=100)

    message = next(m for m in mail.outbox if m.to == ["p1@post.example"])
    assert "nytt system" in message.body
    assert "/losenord" in message.body or "token=" in message.body
    staff = next(m for m in mail.outbox if m.to == ["rut@bibliotek.example"])
    assert "nytt system" in staff.body


def test_a_password_chosen_before_delivery_cancels_the_invitation(imported):
    borrower = Borrower.objects.get(email="p1@post.example")
    borrower.set_password("ett-lösenord")
    borrower.save()

    send_invitations(per_hour=100)

    assert not [m for m in mail.outbox if m.to == ["p1@post.example"]]
