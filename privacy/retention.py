"""Retention of personal data: what goes when (docs/privacy.md, the settings RETENTION_*).

`apply_retention` is run daily by `manage.py apply_retention`. Every step is
state, never date equality, so a rerun changes nothing and missed days are
caught up:

- an expired account is first *listed* (a DeletionNotice, shown to its library's
  registrars in *Visa utgångna konton som tas bort*, to MTM in the admin) from
  RETENTION_WARNING_DAYS before the day it may go, and deleted through the
  normal delete workflow once that day has come and it has been listed for the
  whole warning period;
- audit events older than RETENTION_AUDIT_YEARS go, except a borrower's
  *created* and *deleted* events, which the statistics count: those stay with
  the date, the action, the library and the role, and nothing about a person;
- outgoing mail rows go after RETENTION_MAIL_DAYS (sent, cancelled) or
  RETENTION_FAILED_MAIL_DAYS (failed).
"""

import calendar
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q

from audit.models import RETENTION_RULE, Action, AuditEvent
from borrowers.models import Borrower, years_ago
from notifications.models import MailStatus, OutgoingMail

from .models import DeletionNotice

#: The audit events the statistics count, kept (anonymised) after the audit limit.
STATISTICS_ACTIONS = (Action.CREATED, Action.DELETED)
BATCH_SIZE = 5000


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def deletion_date(valid_until: date) -> date:
    """The first day on which an account that is valid until `valid_until` may be
    deleted: its validity then ended more than RETENTION_EXPIRED_MONTHS ago."""
    return add_months(valid_until, settings.RETENTION_EXPIRED_MONTHS) + timedelta(days=1)


def warning_days() -> timedelta:
    return timedelta(days=settings.RETENTION_WARNING_DAYS)


@dataclass
class RetentionRun:
    listed: int = 0
    deleted: int = 0
    audit_removed: int = 0
    audit_anonymised: int = 0
    mail_removed: int = 0

    def summary(self, *, dry_run: bool) -> str:
        """One line of counts only: cron output ends up in mailboxes and logs."""
        counts = (
            f"{self.listed} expired accounts listed for deletion, {self.deleted} deleted; "
            f"{self.audit_removed} audit events removed, {self.audit_anonymised} anonymised; "
            f"{self.mail_removed} mails removed."
        )
        if dry_run:
            return f"Retention (dry run, nothing changed): would be {counts}"
        return f"Retention: {counts}"


def apply_retention(*, today: date, now: datetime, dry_run: bool = False) -> RetentionRun:
    run = RetentionRun()
    run.listed = _list_expired_accounts(today, dry_run=dry_run)
    run.deleted = _delete_listed_accounts(today, dry_run=dry_run)
    run.audit_removed, run.audit_anonymised = _expire_audit_events(now, dry_run=dry_run)
    run.mail_removed = _expire_mail(now, dry_run=dry_run)
    return run


# --- expired accounts --------------------------------------------------------------


def due_for_listing(today: date) -> list[Borrower]:
    """Expired accounts whose deletion day is within the warning period, and that
    have no notice for their current end date yet."""
    # A bound a few days generous for SQL (months differ in length); exact in Python.
    bound = add_months(
        today + warning_days() + timedelta(days=4), -settings.RETENTION_EXPIRED_MONTHS
    )
    candidates = (
        Borrower.objects.filter(valid_until__lt=min(bound, today))
        .exclude(deletion_notice__valid_until=models.F("valid_until"))
        .only("pk", "valid_until")
    )
    return [b for b in candidates if deletion_date(b.valid_until) - warning_days() <= today]


def _notice_day(valid_until: date, listed_on: date) -> date:
    # Never sooner than a full warning period after the account was first listed.
    return max(deletion_date(valid_until), listed_on + warning_days())


def _refresh_notices(today: date) -> None:
    """Notices follow the account and the settings: a new end date voids one, a
    longer RETENTION_EXPIRED_MONTHS takes the account off the list again, and the
    day shown is recomputed. (Few rows: the accounts of one warning period.)"""
    DeletionNotice.objects.exclude(valid_until=models.F("borrower__valid_until")).delete()
    for notice in DeletionNotice.objects.all():
        if deletion_date(notice.valid_until) - warning_days() > today:
            notice.delete()
        elif notice.delete_on != (day := _notice_day(notice.valid_until, notice.listed_on)):
            notice.delete_on = day
            notice.save(update_fields=["delete_on"])


def _list_expired_accounts(today: date, *, dry_run: bool) -> int:
    if not dry_run:
        _refresh_notices(today)
    due = due_for_listing(today)
    if dry_run:
        return len(due)
    DeletionNotice.objects.bulk_create(
        [
            DeletionNotice(
                borrower=borrower,
                valid_until=borrower.valid_until,
                listed_on=today,
                delete_on=_notice_day(borrower.valid_until, today),
            )
            for borrower in due
        ],
        batch_size=BATCH_SIZE,
        # A void notice is gone already (_refresh_notices); this covers a concurrent run.
        update_conflicts=True,
        unique_fields=["borrower"],
        update_fields=["valid_until", "listed_on", "delete_on"],
    )
    return len(due)


def _delete_listed_accounts(today: date, *, dry_run: bool) -> int:
    due = DeletionNotice.objects.current().filter(delete_on__lte=today)
    if dry_run:
        return sum(deletion_date(n.valid_until) <= today for n in due.only("valid_until"))
    deleted = 0
    for notice_id in due.order_by("pk").values_list("pk", flat=True):  # as listed
        with transaction.atomic():
            # Locked and checked again: a registrar may have extended it a moment ago.
            notice = (
                DeletionNotice.objects.select_for_update(of=("self",))
                .select_related("borrower__library")
                .filter(pk=notice_id)
                .first()
            )
            if notice is None:
                continue
            borrower = notice.borrower
            if (
                borrower.valid_until != notice.valid_until
                or deletion_date(borrower.valid_until) > today
            ):
                continue
            borrower.delete_account(by=None, reason=RETENTION_RULE)
            deleted += 1
    return deleted


# --- the audit log ---------------------------------------------------------------


@contextmanager
def _audit_retention():
    """A transaction in which PostgreSQL's append-only trigger lets old audit rows
    be removed or anonymised (audit migration 0002: never rows younger than a year)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('registry.audit_retention', 'on', true)")
        yield


def _in_batches(queryset, change) -> int:
    done = 0
    while ids := list(queryset.values_list("pk", flat=True)[:BATCH_SIZE]):
        with _audit_retention():
            change(AuditEvent.objects.filter(pk__in=ids))
        done += len(ids)
    return done


def _expire_audit_events(now: datetime, *, dry_run: bool) -> tuple[int, int]:
    old = AuditEvent.objects.filter(at__lt=years_ago(now, settings.RETENTION_AUDIT_YEARS))
    removable = old.exclude(action__in=STATISTICS_ACTIONS)
    personal = old.filter(action__in=STATISTICS_ACTIONS).filter(
        Q(borrower_code__isnull=False)
        | Q(actor__isnull=False)
        | ~Q(fields=[])
        | ~Q(search_hash="")
        | ~Q(detail={})
    )
    if dry_run:
        return removable.count(), personal.count()
    # The queryset's own delete() and update() refuse: the log is append-only.
    removed = _in_batches(removable, models.QuerySet.delete)
    anonymised = _in_batches(
        personal,
        lambda rows: models.QuerySet.update(
            rows, borrower_code=None, actor=None, fields=[], search_hash="", detail={}
        ),
    )
    return removed, anonymised


# --- outgoing mail ---------------------------------------------------------------


def _expire_mail(now: datetime, *, dry_run: bool) -> int:
    done = now - timedelta(days=settings.RETENTION_MAIL_DAYS)
    failed = now - timedelta(days=settings.RETENTION_FAILED_MAIL_DAYS)
    expired = OutgoingMail.objects.filter(
        Q(status=MailStatus.SENT, sent_at__lt=done)
        | Q(status=MailStatus.CANCELLED, created_at__lt=done)
        | Q(status=MailStatus.FAILED, created_at__lt=failed)
    )
    if dry_run:
        return expired.count()
    return expired.delete()[0]
