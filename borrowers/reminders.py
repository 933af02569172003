"""Expiry reminders (SPEC §2 Mail; the handbook's "Kontons giltighetstid").

Every borrower whose validity ends within the window (today up to today + days,
inclusive) and who has not been reminded *for that end date* gets one mail
asking them to contact their library (a protected identity: MTM).

Due-ness is state, never date equality: the window catches up missed days, and
an ExpiryReminder row with the database-unique key (borrower, valid_until) says
"already sent". A run claims a batch with INSERT … ON CONFLICT DO NOTHING
RETURNING, so the database itself tells which keys this run inserted; the mail
and the audit events for exactly those are written in the same transaction.
A rerun, or a second copy running at the same time, therefore sends nothing
twice; extending the validity gives a new key and re-arms the reminder.

`manage.py send_expiry_reminders` is the thin cron entry point.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from audit.models import Action, AuditEvent
from notifications.mail import mail_context, queue_mails
from notifications.models import MailKind

from .contact import contact_for
from .models import Borrower, ExpiryReminder
from .policy import EXPIRY_NOTICE_DAYS

BATCH_SIZE = 500


@dataclass
class ReminderRun:
    queued: int = 0
    already_sent: int = 0


def send_expiry_reminders(
    *,
    today: date,
    days: int = EXPIRY_NOTICE_DAYS,
    batch_size: int = BATCH_SIZE,
    dry_run: bool = False,
    on_due: Callable[[Borrower], None] | None = None,
) -> ReminderRun:
    """Queue one reminder per due borrower and end date; return the counts.

    With `dry_run`, nothing is written: `on_due` is called for each borrower
    who would get a mail, and `queued` counts them.
    """
    run = ReminderRun()
    for batch in _batches(today=today, days=days, batch_size=batch_size):
        due = [borrower for borrower in batch if not borrower.already_reminded]
        if dry_run:
            for borrower in due:
                if on_due:
                    on_due(borrower)
            run.queued += len(due)
            run.already_sent += len(batch) - len(due)
            continue
        queued = _remind(due) if due else 0
        run.queued += queued
        run.already_sent += len(batch) - queued
    return run


def _batches(*, today: date, days: int, batch_size: int):
    """The borrowers in the window, `batch_size` at a time, by keyset pagination on
    pk: memory stays flat however many there are, and one query per batch."""
    window = (
        Borrower.objects.expiring_within(days, today)
        .annotate(
            already_reminded=Exists(
                ExpiryReminder.objects.filter(
                    borrower=OuterRef("pk"), valid_until=OuterRef("valid_until")
                )
            )
        )
        .only("pk", "code", "email", "language", "valid_until", "library")
        .order_by("pk")
    )
    last_pk = 0
    while True:
        batch = list(window.filter(pk__gt=last_pk)[:batch_size])
        if batch:
            yield batch
        if len(batch) < batch_size:
            return
        last_pk = batch[-1].pk


def _remind(due: list[Borrower]) -> int:
    """Claim the reminders of one batch and, for the claimed ones only, queue the
    mail and write the audit events: one transaction, a fixed number of queries."""
    now = timezone.now()
    with transaction.atomic():
        claimed = _claim(due, now)
        # Another run may have claimed some between our read and our insert.
        mine = [borrower for borrower in due if borrower.pk in claimed]
        if not mine:
            return 0
        queue_mails(
            MailKind.EXPIRY_REMINDER,
            [
                (b.email, {"borrower": b.pk, "valid_until": b.valid_until.isoformat()}, b.language)
                for b in mine
            ],
        )
        AuditEvent.objects.bulk_create(
            AuditEvent(
                at=now,
                action=Action.REMINDER_SENT,
                library_id=b.library_id,
                borrower_code=b.code,
                detail={"valid_until": b.valid_until.isoformat()},
            )
            for b in mine
        )
    return len(mine)


def _claim(due: list[Borrower], now: datetime) -> set[int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING borrower_id (PostgreSQL, and SQLite
    3.35+): the pks of the borrowers whose (borrower, valid_until) key this statement
    inserted. A key another run already holds is skipped and not returned; while
    that run's transaction is open, PostgreSQL waits for it to finish."""
    meta = ExpiryReminder._meta
    fields = [meta.get_field(name) for name in ("borrower", "valid_until", "sent_at")]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    size = connection.ops.bulk_batch_size(fields, due)  # SQLite's limit on parameters
    claimed: set[int] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(due), size):
            chunk = due[start : start + size]
            params = []
            for borrower in chunk:
                params += [
                    borrower.pk,
                    fields[1].get_db_prep_save(borrower.valid_until, connection),
                    fields[2].get_db_prep_save(now, connection),
                ]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            # Only quoted identifiers from the model and placeholders are interpolated.
            sql = (
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT DO NOTHING RETURNING {quote(fields[0].column)}"
            )
            cursor.execute(sql, params)
            claimed.update(row[0] for row in cursor.fetchall())
    return claimed


@mail_context(MailKind.EXPIRY_REMINDER)
def expiry_reminder_context(context: dict) -> dict | None:
    """Built at delivery. None (the mail is cancelled) when the borrower is gone
    or the end date has changed since: a reminder for an old date would mislead."""
    borrower = (
        Borrower.objects.select_related("library__parent").filter(pk=context["borrower"]).first()
    )
    valid_until = date.fromisoformat(context["valid_until"])
    if borrower is None or borrower.valid_until != valid_until:
        return None
    return {
        "valid_until": valid_until,
        "protected": borrower.protected_identity,
        "contact": contact_for(borrower),
    }
