"""Minors who turn 18: the daily run removes the guardian's data, audits it and
mails the borrower that the account is now theirs, with the agreement text."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import Action, AuditEvent
from borrowers.coming_of_age import TURNED_18
from borrowers.models import AgreementText, Borrower
from notifications.models import MailKind, OutgoingMail
from tests.factories import MINOR_PERSONNUMMER, BorrowerFactory, birth_date_of

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NUMBER = MINOR_PERSONNUMMER[0]
BORN = birth_date_of(NUMBER)
EIGHTEENTH = BORN.replace(year=BORN.year + 18)
#: A samordningsnummer whose day is 67: born on the 7th.
SAMORDNINGSNUMMER = "200007672389"


def morning_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 6, 15, tzinfo=STOCKHOLM)


def run(*args) -> str:
    out = StringIO()
    call_command("release_guardian_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def minor(library_a):
    return BorrowerFactory(
        library=library_a,
        identifier=NUMBER,
        birth_date=BORN,
        registered_as_minor=True,
        guardian_birth_date=date(1980, 5, 17),
        guardian_name="Greta Vårdnadshavare",
        email="ung@post.example",
    )


def test_the_day_before_the_18th_birthday_nothing_happens(minor, time_machine, mailoutbox):
    time_machine.move_to(morning_of(EIGHTEENTH - timedelta(days=1)), tick=False)

    assert run() == "Removed the guardian data of 0 accounts.\n"

    minor.refresh_from_db()
    assert minor.guardian_name == "Greta Vårdnadshavare"
    assert minor.guardian_birth_date == date(1980, 5, 17)
    assert not OutgoingMail.objects.exists()


def test_on_the_18th_birthday_the_guardian_data_goes_with_an_event_and_a_mail(
    minor, library_a, time_machine, mailoutbox
):
    AgreementText.objects.create(text="Du lånar talböcker för eget bruk.")
    time_machine.move_to(morning_of(EIGHTEENTH), tick=False)

    assert run() == "Removed the guardian data of 1 account.\n"

    minor.refresh_from_db()
    assert minor.guardian_name == "" and minor.guardian_birth_date is None
    assert minor.registered_as_minor, "who accepted the agreement stays on record"
    [event] = AuditEvent.objects.filter(borrower_code=minor.code, action=Action.UPDATED)
    assert event.fields == ["guardian_birth_date", "guardian_name"]
    assert event.detail == {"reason": TURNED_18}
    assert event.library == library_a and event.actor is None
    [message] = mailoutbox
    assert message.to == ["ung@post.example"]
    assert message.subject == "Ditt konto i Legimus är nu ditt"
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "fyllt 18" in body
        assert "Du lånar talböcker för eget bruk." in body
        assert "ung@post.example" in body
        assert library_a.name in body
        assert NUMBER not in body and "Greta" not in body


def test_a_rerun_and_a_later_day_change_and_mail_nothing_more(minor, time_machine, mailoutbox):
    time_machine.move_to(morning_of(EIGHTEENTH), tick=False)
    run()
    assert run() == "Removed the guardian data of 0 accounts.\n"
    time_machine.move_to(morning_of(EIGHTEENTH + timedelta(days=30)), tick=False)
    assert run() == "Removed the guardian data of 0 accounts.\n"

    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(borrower_code=minor.code, action=Action.UPDATED).count() == 1


def test_missed_days_are_caught_up(minor, time_machine, mailoutbox):
    time_machine.move_to(morning_of(EIGHTEENTH + timedelta(days=5)), tick=False)

    assert run() == "Removed the guardian data of 1 account.\n"
    assert len(mailoutbox) == 1


def test_a_samordningsnummer_holder_turns_18_by_the_date_in_the_number(
    library_a, time_machine, mailoutbox
):
    borrower = BorrowerFactory(
        library=library_a,
        samordningsnummer=True,
        identifier=SAMORDNINGSNUMMER,
        birth_date=date(2000, 7, 7),
        registered_as_minor=True,
        guardian_birth_date=date(1970, 1, 1),
    )
    time_machine.move_to(morning_of(date(2018, 7, 6)), tick=False)
    assert run() == "Removed the guardian data of 0 accounts.\n"

    time_machine.move_to(morning_of(date(2018, 7, 7)), tick=False)
    assert run() == "Removed the guardian data of 1 account.\n"
    borrower.refresh_from_db()
    assert borrower.guardian_birth_date is None
    [event] = AuditEvent.objects.filter(borrower_code=borrower.code, action=Action.UPDATED)
    assert event.fields == ["guardian_birth_date"], "only what was there"


def test_an_lma_account_keeps_its_guardian_since_it_has_no_birth_date(
    library_a, time_machine, mailoutbox
):
    lma = BorrowerFactory(
        library=library_a,
        lma=True,
        registered_as_minor=True,
        guardian_birth_date=date(1980, 5, 17),
        guardian_name="Greta Vårdnadshavare",
    )
    time_machine.move_to(morning_of(date(2100, 1, 1)), tick=False)

    assert run() == "Removed the guardian data of 0 accounts.\n"
    lma.refresh_from_db()
    assert lma.guardian_name == "Greta Vårdnadshavare"
    assert not mailoutbox


def test_a_minor_still_under_18_and_an_adult_without_guardian_are_left_alone(
    library_a, minor, time_machine, mailoutbox
):
    adult = BorrowerFactory(library=library_a)
    time_machine.move_to(morning_of(EIGHTEENTH - timedelta(days=1)), tick=False)
    run()
    assert not AuditEvent.objects.filter(borrower_code__in=[minor.code, adult.code]).exists()


def test_batches_cover_everyone(library_a, time_machine, mailoutbox):
    people = [
        BorrowerFactory(library=library_a, registered_as_minor=True, guardian_name=f"V {n}")
        for n in range(5)
    ]  # adults by their numbers who still hold a guardian's name
    assert run("--batch-size", "2") == "Removed the guardian data of 5 accounts.\n"
    assert not Borrower.objects.filter(pk__in=[p.pk for p in people]).exclude(guardian_name="")
    assert len(mailoutbox) == 5


def test_dry_run_lists_internal_codes_and_changes_nothing(minor, time_machine, mailoutbox):
    time_machine.move_to(morning_of(EIGHTEENTH), tick=False)

    out = run("--dry-run")

    assert out == (
        f"Would remove the guardian data of {minor.code}\n"
        "Would remove the guardian data of 1 account.\n"
    )
    minor.refresh_from_db()
    assert minor.guardian_name and not mailoutbox
    assert NUMBER not in out


def test_a_bad_batch_size_is_refused():
    with pytest.raises(Exception, match="--batch-size"):
        run("--batch-size", "0")


def test_the_mail_is_cancelled_when_the_borrower_is_deleted_before_it_leaves(
    minor, registrar, time_machine, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    time_machine.move_to(morning_of(EIGHTEENTH), tick=False)
    run()
    minor.delete_account(by=registrar)
    assert not OutgoingMail.objects.filter(kind=MailKind.ACCOUNT_NOW_YOURS).exists()


def test_after_the_run_the_edit_form_offers_no_guardian_fields(
    minor, client, registrar, time_machine
):
    edit = reverse("borrowers:edit", args=[minor.code])
    time_machine.move_to(morning_of(EIGHTEENTH - timedelta(days=1)), tick=False)
    client.force_login(registrar)
    assert "guardian_birth_date" in client.get(edit).content.decode()

    time_machine.move_to(morning_of(EIGHTEENTH), tick=False)
    run()
    client.force_login(registrar)  # the session of yesterday has timed out
    page = client.get(edit).content.decode()
    assert "guardian_birth_date" not in page and "guardian_name" not in page
    detail = client.get(reverse("borrowers:detail", args=[minor.code])).content.decode()
    assert "Greta" not in detail
