"""Write audit events. Call inside the transaction of the change being recorded."""

import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings

from core.bulk import create_many

from .models import Action, AuditEvent


def keyed_hash(term: str) -> str:
    """A keyed hash of an identity number: lets MTM find "who searched for X"
    later without the log ever holding X (security.md §10)."""
    key = settings.AUDIT_HASH_KEY.encode()
    return hmac.new(key, term.encode(), hashlib.sha256).hexdigest()


def record(action: Action, **keywords) -> AuditEvent:
    """Record one event (`keywords`: _event's). `fields` are names only, never
    values. `at` is for history recorded afterwards (the demo data's past
    registrations); otherwise now."""
    event = _event(action, **keywords)
    event.save(force_insert=True)
    return event


def record_many(action: Action, events: Iterable[dict], *, actor=None) -> list[AuditEvent]:
    """Record many events of one action by one actor in one statement (a batch
    job's steps; core.bulk.create_many, a COPY on PostgreSQL). Each dict holds
    record()'s other keywords (borrower, library, fields, detail as keywords of its
    own), so every event is the one record() would write. The log's append-only
    trigger guards UPDATE and DELETE only: a bulk write is an ordinary append. The
    events come back without ids (nothing reads them)."""
    events = [_event(action, actor=actor, **event) for event in events]
    create_many(AuditEvent, events)
    return events


def _event(
    action: Action,
    *,
    actor=None,
    borrower=None,
    library=None,
    fields: Iterable[str] = (),
    search_term: str | None = None,
    at=None,
    **detail,
) -> AuditEvent:
    """The event, not yet saved: record() and record_many() write the same one."""
    staff = actor if getattr(actor, "is_authenticated", False) else None
    if library is None:
        library = getattr(borrower, "library", None)
    # Ids, not instances: the cheaper way into a model, which a batch of many notices.
    return AuditEvent(
        **({"at": at} if at is not None else {}),
        action=action,
        actor_id=staff.pk if staff else None,
        actor_role=(staff.role or ("mtm" if staff.is_staff else "")) if staff else "",
        library_id=library.pk if library is not None else None,
        borrower_code=getattr(borrower, "code", None),
        fields=sorted(fields),
        search_hash=keyed_hash(search_term) if search_term else "",
        detail=detail,
    )
