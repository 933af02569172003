"""manage.py apply_retention: expired accounts, the audit log and mail rows go on time,
never sooner, and nothing goes in a dry run (docs/privacy.md, settings RETENTION_*)."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from audit.models import Action, AuditEvent
from borrowers.models import Borrower
from notifications.models import MailKind, MailStatus, OutgoingMail
from privacy import retention
from privacy.models import DeletionNotice
from privacy.retention import add_months, deletion_date
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# February: the only month in which an account that expired 23 calendar months ago is
# within 30 days of going (its deletion day is one month and a day away).
TODAY = date(2026, 2, 10)


def morning_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, 30, tzinfo=STOCKHOLM)


def run(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def run_on(time_machine, day: date, *args) -> str:
    time_machine.move_to(morning_of(day), tick=False)
    return run(*args)


def exists(borrower) -> bool:
    return Borrower.objects.filter(pk=borrower.pk).exists()


@pytest.fixture
def expired(library_a):
    """expired(months) -> a borrower at library A whose validity ended `months` before TODAY."""

    def make(months: int, **kwargs):
        if not kwargs.get("protected"):
            kwargs.setdefault("library", library_a)
        return BorrowerFactory(valid_until=add_months(TODAY, -months), **kwargs)

    return make


def test_the_daily_run_lists_the_23_months_expired_and_has_deleted_the_25_months_expired(
    expired, time_machine
):
    soon, due = expired(23), expired(25)
    day = TODAY - timedelta(days=40)
    while day <= TODAY:
        run_on(time_machine, day)
        day += timedelta(days=1)
    assert not exists(due)
    assert exists(soon)
    assert DeletionNotice.objects.get(borrower=soon).delete_on == deletion_date(soon.valid_until)
    event = AuditEvent.objects.get(action=Action.DELETED, borrower_code=due.code)
    assert event.detail == {"reason": "retention_rule"}
    assert event.actor is None


def test_an_account_never_listed_gets_the_whole_warning_period(expired, time_machine):
    overdue = expired(25)
    assert "1 expired accounts listed for deletion, 0 deleted" in run_on(time_machine, TODAY)
    assert DeletionNotice.objects.get(borrower=overdue).delete_on == TODAY + timedelta(days=30)
    run_on(time_machine, TODAY + timedelta(days=29))
    assert exists(overdue)
    assert "0 expired accounts listed for deletion, 1 deleted" in run_on(
        time_machine, TODAY + timedelta(days=30)
    )
    assert not exists(overdue)


def test_boundaries_a_day_before_and_on_each_day(library_a, time_machine):
    borrower = BorrowerFactory(library=library_a, valid_until=date(2024, 3, 15))
    goes = deletion_date(borrower.valid_until)
    assert goes == date(2026, 3, 16)  # 24 months, and then "more than"
    run_on(time_machine, goes - timedelta(days=31))
    assert not DeletionNotice.objects.exists()
    run_on(time_machine, goes - timedelta(days=30))
    assert DeletionNotice.objects.get().delete_on == goes
    run_on(time_machine, goes - timedelta(days=1))
    assert exists(borrower)
    run_on(time_machine, goes)
    assert not exists(borrower)


def test_settings_change_the_limits(library_a, time_machine, settings):
    settings.RETENTION_EXPIRED_MONTHS = 12
    settings.RETENTION_WARNING_DAYS = 10
    borrower = BorrowerFactory(library=library_a, valid_until=date(2025, 1, 31))
    run_on(time_machine, date(2026, 1, 21))
    assert not DeletionNotice.objects.exists()
    run_on(time_machine, date(2026, 1, 22))
    assert DeletionNotice.objects.get().delete_on == date(2026, 2, 1)
    run_on(time_machine, date(2026, 2, 1))
    assert not exists(borrower)


def test_a_limit_lengthened_and_reverted_keeps_the_day_first_listed(
    library_a, time_machine, settings
):
    # Listed on 22 January under a 12-month limit; MTM tries 13 months on the very
    # day the account would be listed under it, then goes back to 12. The account
    # has been listed for the whole warning period since January: it goes the
    # next day, with no fresh warning period.
    settings.RETENTION_EXPIRED_MONTHS = 12
    settings.RETENTION_WARNING_DAYS = 10
    borrower = BorrowerFactory(library=library_a, valid_until=date(2025, 1, 31))
    run_on(time_machine, date(2026, 1, 22))
    settings.RETENTION_EXPIRED_MONTHS = 13  # deletion day 1 March: listed from 19 February
    run_on(time_machine, date(2026, 2, 19))
    notice = DeletionNotice.objects.get()
    assert (notice.listed_on, notice.delete_on) == (date(2026, 1, 22), date(2026, 3, 1))
    settings.RETENTION_EXPIRED_MONTHS = 12
    run_on(time_machine, date(2026, 2, 20))
    assert not exists(borrower)


@pytest.mark.parametrize("new_end", [TODAY + timedelta(days=365), None])
def test_extending_the_validity_takes_the_account_off_the_list(expired, time_machine, new_end):
    borrower = expired(25)
    run_on(time_machine, TODAY)
    borrower.update_details(by=None, valid_until=new_end)
    run_on(time_machine, TODAY + timedelta(days=30))
    assert exists(borrower)
    assert not DeletionNotice.objects.exists()


@pytest.mark.parametrize("meanwhile", ["extended", "shortened", "deleted"])
def test_an_account_changed_during_the_run_is_skipped_and_the_others_still_go(
    expired, time_machine, monkeypatch, meanwhile
):
    # Three listed accounts are due; while the run deletes the first, a registrar
    # changes the second's end date (a new date needs a new notice, even an earlier
    # one) or deletes it. The run leaves it and goes on to the third.
    first, second, last = expired(25), expired(25), expired(25)
    run_on(time_machine, TODAY)
    assert list(DeletionNotice.objects.order_by("pk").values_list("borrower", flat=True)) == [
        first.pk,
        second.pk,
        last.pk,
    ]
    delete_account = Borrower.delete_account

    def registrar_meanwhile(borrower, **kwargs):
        if borrower.pk == first.pk:
            if meanwhile == "extended":
                second.update_details(by=None, valid_until=TODAY + timedelta(days=400))
            elif meanwhile == "shortened":
                second.update_details(by=None, valid_until=add_months(TODAY, -30))
            else:
                delete_account(Borrower.objects.get(pk=second.pk), by=None)
        return delete_account(borrower, **kwargs)

    monkeypatch.setattr(Borrower, "delete_account", registrar_meanwhile)
    assert "2 deleted" in run_on(time_machine, TODAY + timedelta(days=30))
    assert (exists(first), exists(second), exists(last)) == (False, meanwhile != "deleted", False)


def test_two_runs_at_once_list_an_account_once(expired, time_machine, monkeypatch):
    # Cron started twice: the other run lists the account between this run's
    # query and its insert. This run updates that notice instead of failing.
    borrower = expired(25)
    due_for_listing = retention.due_for_listing

    def listed_meanwhile(today):
        due = due_for_listing(today)
        DeletionNotice.objects.create(
            borrower=borrower, valid_until=borrower.valid_until, listed_on=today, delete_on=today
        )
        return due

    monkeypatch.setattr(retention, "due_for_listing", listed_meanwhile)
    run_on(time_machine, TODAY)
    notice = DeletionNotice.objects.get()
    assert (notice.borrower, notice.delete_on) == (borrower, TODAY + timedelta(days=30))


def test_a_dry_run_on_the_deletion_day_counts_the_account(library_a, time_machine):
    BorrowerFactory(library=library_a, valid_until=date(2024, 3, 15))  # goes 2026-03-16
    run_on(time_machine, date(2026, 2, 14))  # listed on the first day: 30 days ahead
    assert "0 deleted" in run_on(time_machine, date(2026, 3, 15), "--dry-run")
    assert "1 deleted" in run_on(time_machine, date(2026, 3, 16), "--dry-run")


def test_a_longer_limit_takes_listed_accounts_off_the_list(expired, time_machine, settings):
    borrower = expired(25)
    run_on(time_machine, TODAY)
    settings.RETENTION_EXPIRED_MONTHS = 36
    run_on(time_machine, TODAY + timedelta(days=30))
    assert exists(borrower)
    assert not DeletionNotice.objects.exists()


def test_a_rerun_changes_nothing(expired, time_machine):
    expired(25)
    run_on(time_machine, TODAY)
    notice = DeletionNotice.objects.get()
    output = run_on(time_machine, TODAY)
    assert output.startswith("Retention: 0 expired accounts listed for deletion, 0 deleted")
    assert DeletionNotice.objects.get() == notice
    assert DeletionNotice.objects.get().listed_on == notice.listed_on


def test_protected_identities_go_the_same_way(expired, time_machine):
    protected = expired(25, protected=True)
    run_on(time_machine, TODAY)
    assert DeletionNotice.objects.filter(borrower=protected).exists()
    run_on(time_machine, TODAY + timedelta(days=30))
    assert not exists(protected)


def test_a_dry_run_changes_nothing_and_counts_what_would(expired, time_machine):
    listed, fresh = expired(25), expired(25)
    run_on(time_machine, TODAY - timedelta(days=30))
    DeletionNotice.objects.filter(borrower=fresh).delete()
    old = morning_of(TODAY) - timedelta(days=6 * 365)
    AuditEvent.objects.create(at=old, action=Action.VIEWED, borrower_code=listed.code)
    AuditEvent.objects.create(at=old, action=Action.CREATED, borrower_code=listed.code)
    OutgoingMail.objects.create(
        kind=MailKind.EXPIRY_REMINDER, to="x@post.example", status=MailStatus.FAILED, created_at=old
    )
    before = (AuditEvent.objects.count(), OutgoingMail.objects.count())

    output = run_on(time_machine, TODAY, "--dry-run")

    assert output == (
        "Retention (dry run, nothing changed): would be 1 expired accounts listed for deletion, "
        "1 deleted; 1 audit events removed, 1 anonymised; 1 mails removed.\n"
    )
    assert exists(listed) and exists(fresh)
    assert (AuditEvent.objects.count(), OutgoingMail.objects.count()) == before
    assert not DeletionNotice.objects.filter(borrower=fresh).exists()
    assert AuditEvent.objects.filter(borrower_code=listed.code, action=Action.CREATED).exists()


def test_the_output_holds_no_personal_data(expired, time_machine):
    borrower = expired(25, first_name="Unika", last_name="Namnsson", email="unik@post.example")
    output = run_on(time_machine, TODAY) + run_on(time_machine, TODAY + timedelta(days=30))
    for secret in ("Unika", "Namnsson", "unik@", borrower.identifier, str(borrower.code)):
        assert secret not in output
    assert output.count("\n") == 2


# --- the registrar's list and MTM's admin ---------------------------------------------


def test_the_registrars_see_what_will_go_and_when(expired, time_machine, client, registrar):
    _, other = expired(23, last_name="Snartborta"), expired(1, last_name="Kvarstår")
    run_on(time_machine, TODAY)
    client.force_login(registrar)
    page = client.get(reverse("borrowers:list", args=["tas-bort"])).content.decode()
    assert "Utgångna konton som tas bort" in page
    assert "Snartborta" in page and "Kvarstår" not in page
    # Listed today, so a full warning period from today (a day after its deletion day).
    assert f"<td>{TODAY + timedelta(days=30):%Y-%m-%d}</td>" in page
    assert "Visa utgångna konton som tas bort" in page  # in the menu
    assert other.last_name not in page


def test_other_libraries_do_not_see_the_list_entry(expired, time_machine, client, registrar_b):
    expired(25, last_name="Snartborta")
    run_on(time_machine, TODAY)
    client.force_login(registrar_b)
    page = client.get(reverse("borrowers:list", args=["tas-bort"])).content.decode()
    assert "Snartborta" not in page


def test_mtm_sees_protected_identities_that_will_go(expired, time_machine, client, mtm_staff):
    protected, kept = expired(25, protected=True), expired(25, protected=True)
    run_on(time_machine, TODAY)
    DeletionNotice.objects.filter(borrower=kept).delete()
    client.force_login(mtm_staff)
    page = client.get(reverse("admin:borrowers_borrower_changelist"), {"gallras": "ja"})
    rows = page.context["cl"].result_list
    assert list(rows) == [protected]
    assert f"{TODAY + timedelta(days=30):%Y-%m-%d}" in page.content.decode()


# --- the audit log and mail -------------------------------------------------------------


def test_audit_events_go_after_five_years_but_registrations_stay_anonymised(
    time_machine, borrower_a, mtm_staff
):
    now = morning_of(TODAY)
    limit = now.replace(year=now.year - 5)
    day = timedelta(days=1)
    kept = AuditEvent.objects.create(at=limit + day, action=Action.VIEWED, actor=mtm_staff)
    gone = AuditEvent.objects.create(at=limit - day, action=Action.VIEWED, actor=mtm_staff)
    created = AuditEvent.objects.create(
        at=limit - day,
        action=Action.CREATED,
        actor=mtm_staff,
        actor_role="registrar",
        library=borrower_a.library,
        borrower_code=borrower_a.code,
        fields=["email"],
        detail={"via": "admin"},
    )
    output = run_on(time_machine, TODAY)
    assert "1 audit events removed, 1 anonymised" in output
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert not AuditEvent.objects.filter(pk=gone.pk).exists()
    created = AuditEvent.objects.get(pk=created.pk)
    assert (created.at, created.action, created.library, created.actor_role) == (
        limit - day,
        Action.CREATED,
        borrower_a.library,
        "registrar",
    )
    assert (created.borrower_code, created.actor, created.fields, created.detail) == (
        None,
        None,
        [],
        {},
    )
    assert "0 audit events removed, 0 anonymised" in run_on(time_machine, TODAY)


def test_mail_rows_go_after_90_days_and_failed_ones_after_a_year(time_machine):
    now = morning_of(TODAY)
    day = timedelta(days=1)

    def mail(status, age, **kwargs):
        return OutgoingMail.objects.create(
            kind=MailKind.EXPIRY_REMINDER,
            to="x@post.example",
            status=status,
            created_at=now - age,
            **kwargs,
        )

    kept = [
        mail(MailStatus.SENT, 89 * day, sent_at=now - 89 * day),
        mail(MailStatus.SENT, 200 * day, sent_at=now - 89 * day),  # retried for months
        mail(MailStatus.CANCELLED, 89 * day),
        mail(MailStatus.FAILED, 364 * day),
        mail(MailStatus.QUEUED, 800 * day),  # still to send: never removed
    ]
    gone = [
        mail(MailStatus.SENT, 91 * day, sent_at=now - 91 * day),
        mail(MailStatus.CANCELLED, 91 * day),
        mail(MailStatus.FAILED, 366 * day),
    ]
    assert "3 mails removed" in run_on(time_machine, TODAY)
    assert set(OutgoingMail.objects.all()) == set(kept)
    assert not set(gone) & set(OutgoingMail.objects.all())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_still_refuses_to_remove_recent_audit_rows(time_machine, borrower_a):
    from django.db.models import QuerySet

    from privacy.retention import _audit_retention

    recent = AuditEvent.objects.create(action=Action.VIEWED, borrower_code=borrower_a.code)
    with pytest.raises(Exception, match="append-only"), _audit_retention(), transaction.atomic():
        QuerySet.delete(AuditEvent.objects.filter(pk=recent.pk))


def test_the_audit_log_says_borttaget_enligt_gallringsregel(
    expired, time_machine, client, mtm_staff
):
    borrower = expired(25)
    run_on(time_machine, TODAY)
    run_on(time_machine, TODAY + timedelta(days=30))
    client.force_login(mtm_staff)
    page = client.get(
        reverse("admin:audit_auditevent_changelist"), {"q": str(borrower.code)}
    ).content.decode()
    assert "borttaget enligt gallringsregel" in page
