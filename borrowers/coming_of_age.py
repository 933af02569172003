"""Minors who turn 18 (the handbook's *Specialfall*; GDPR art. 5(1)(c)).

A minor's account holds the guardian's name and date of birth only because the
guardian accepted the agreement. From the day the borrower turns 18 that data
has no purpose left: `release_guardian_data` removes it, writes an UPDATED
audit event (reason "turned_18", field names only) and queues a mail telling
the borrower that the account is now theirs, with the agreement text
(*Avtalstext*) to read.

State, never date equality: "an adult whose account still holds guardian
data" is what is due, so a rerun changes nothing and missed days are caught
up. The rows of a batch are locked while they are changed, so two runs at once
mail each borrower once.

LMA accounts carry no birth date, so the registry cannot tell when their holder
turns 18: they keep the guardian data until the library edits the account or
it becomes a personnummer account.

`manage.py release_guardian_data` is the thin cron entry point.
"""

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from audit.models import Action, AuditEvent
from notifications.mail import mail_context, queue_mails
from notifications.models import MailKind

from .models import AgreementText, Borrower
from .reminders import contact_for

BATCH_SIZE = 500
#: detail["reason"] of the UPDATED event.
TURNED_18 = "turned_18"
GUARDIAN_FIELDS = ("guardian_birth_date", "guardian_name")


def due(today: date):
    """Adults by their number whose account still holds guardian data."""
    return Borrower.objects.adults(today).filter(
        Q(guardian_birth_date__isnull=False) | ~Q(guardian_name="")
    )


def release_guardian_data(
    *,
    today: date,
    batch_size: int = BATCH_SIZE,
    dry_run: bool = False,
    on_due: Callable[[Borrower], None] | None = None,
) -> int:
    """Remove the guardian data of every due borrower; return how many.

    With `dry_run`, nothing is written: `on_due` is called for each borrower
    who is due, and they are counted.
    """
    if dry_run:
        count = 0
        for borrower in due(today).only("pk", "code", "birth_date").order_by("pk").iterator():
            if on_due:
                on_due(borrower)
            count += 1
        return count
    count = last_pk = 0
    while True:
        released = _release_batch(today, after_pk=last_pk, size=batch_size)
        count += len(released)
        if len(released) < batch_size:
            return count
        last_pk = released[-1].pk


def _release_batch(today: date, *, after_pk: int, size: int) -> list[Borrower]:
    """One transaction: lock a batch of due rows (a concurrent run waits, then finds
    them no longer due), empty the guardian fields, audit and queue the mails."""
    now = timezone.now()
    with transaction.atomic():
        batch = list(
            due(today)
            .filter(pk__gt=after_pk)
            .select_for_update(of=("self",))
            .only("pk", "code", "email", "language", "library", *GUARDIAN_FIELDS)
            .order_by("pk")[:size]
        )
        if not batch:
            return []
        Borrower.objects.filter(pk__in=[b.pk for b in batch]).update(
            guardian_birth_date=None, guardian_name="", updated_at=now
        )
        AuditEvent.objects.bulk_create(
            AuditEvent(
                at=now,
                action=Action.UPDATED,
                library_id=b.library_id,
                borrower_code=b.code,
                fields=[name for name in GUARDIAN_FIELDS if getattr(b, name)],
                detail={"reason": TURNED_18},
            )
            for b in batch
        )
        queue_mails(
            MailKind.ACCOUNT_NOW_YOURS, [(b.email, {"borrower": b.pk}, b.language) for b in batch]
        )
    return batch


@mail_context(MailKind.ACCOUNT_NOW_YOURS)
def account_now_yours_context(context: dict) -> dict | None:
    """Built at delivery; None (cancelled) when the borrower is gone meanwhile."""
    borrower = (
        Borrower.objects.select_related("library__parent").filter(pk=context["borrower"]).first()
    )
    if borrower is None:
        return None
    # Now theirs: the adult text, in the mail's language (active while it is built).
    agreement = AgreementText.current(translation.get_language())
    return {
        "email": borrower.email,
        "agreement": agreement.text if agreement else "",
        "contact": contact_for(borrower),
    }
