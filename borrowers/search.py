"""Sök användare: one query that matches names, identity numbers or e-mail.

The lookups are shaped for the PostgreSQL indexes of migration 0003: trigram
GIN indexes on lower(first_name), lower(last_name) and lower(email). A
`LOWER(col) LIKE '%term%'` matches those index expressions, whereas Django's
`icontains` (`UPPER(col) LIKE UPPER(...)`) would not. Identity numbers are an
exact match on the unique `identifier` index. SQLite runs the same query
without the indexes.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action, AuditEvent

from .identity import Identity, normalise_search_term
from .models import BorrowerQuerySet

#: Words beyond this are ignored: a name has few parts, and each word is one more join of bitmaps.
MAX_WORDS = 4


@dataclass(frozen=True)
class Search:
    results: BorrowerQuerySet
    #: The identity number searched for, if the query was one (audited as a keyed hash).
    identity: Identity | None


def search_borrowers(borrowers: BorrowerQuerySet, text: str, *, today: date) -> Search:
    """`borrowers` is already scoped (borrowers_for); the result is sorted by last name.

    - a personnummer or samordningsnummer in any accepted writing, or an LMA
      number with or without its dash: that one account;
    - text with an @: e-mail addresses containing it;
    - anything else: every word is part of the first name, the last name or the
      e-mail address, so "anna andersson", "andersson anna" and "and" all find
      Anna Andersson.
    """
    # NUL can be in no stored value, and PostgreSQL refuses it in a query (the
    # admin's search box has no form to refuse it first).
    text = " ".join(text.replace("\x00", " ").split())
    if not text:
        return Search(borrowers.none(), None)
    identity = normalise_search_term(text, today=today)
    if identity is not None:
        return Search(borrowers.filter(identifier=identity.value), identity)
    lowered = borrowers.alias(
        first_lower=Lower("first_name"), last_lower=Lower("last_name"), email_lower=Lower("email")
    )
    term = text.lower()
    if "@" in term:
        return Search(lowered.filter(email_lower__contains=term.replace(" ", "")), None)
    for word in term.split()[:MAX_WORDS]:
        lowered = lowered.filter(
            Q(first_lower__contains=word)
            | Q(last_lower__contains=word)
            | Q(email_lower__contains=word)
        )
    return Search(lowered, None)


def _this_hour():
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def refuse_unusual_search_volume(user) -> None:
    """Past SEARCH_LIMIT_PER_HOUR identity-number searches by one staff member in
    this clock hour, more are refused until the next hour, and MTM sees an audit
    event "unusually many searches" (once an hour). The count is the audit log's
    own SEARCHED events with a search hash: every door's identity searches."""
    start = _this_hour()
    events = AuditEvent.objects.filter(actor=user, at__gte=start)
    searches = events.filter(action=Action.SEARCHED).exclude(search_hash="").count()
    limit = settings.SEARCH_LIMIT_PER_HOUR
    if searches < limit:
        return
    if not events.filter(action=Action.UNUSUAL_SEARCHES).exists():
        record(Action.UNUSUAL_SEARCHES, actor=user, library=user.library, limit=limit)
    next_hour = timezone.localtime(start + timedelta(hours=1))
    raise ValidationError(
        _(
            "You have searched for unusually many identity numbers this hour. You can "
            "search for identity numbers again at %(time)s. MTM has been told."
        )
        % {"time": f"{next_hour:%H:%M}"},
        code="too_many_searches",
    )
