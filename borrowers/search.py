"""Sök användare: one query that matches names, identity numbers or e-mail.

The lookups are shaped for the PostgreSQL indexes of migration 0003: trigram
GIN indexes on lower(first_name), lower(last_name) and lower(email). A
`LOWER(col) LIKE '%term%'` matches those index expressions, whereas Django's
`icontains` (`UPPER(col) LIKE UPPER(...)`) would not. Identity numbers are an
exact match on the unique `identifier` index. SQLite runs the same query
without the indexes.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action, AuditEvent

from .identity import MESSAGES, Identity, Kind, normalise_search_term, reads_as_birth_date
from .models import BorrowerQuerySet

#: Words beyond this are ignored: a name has few parts, and each word is one more join of bitmaps.
MAX_WORDS = 4


@dataclass(frozen=True)
class Search:
    results: BorrowerQuerySet
    #: The identity number searched for, if the query was one (audited as a keyed hash).
    identity: Identity | None
    #: An identity error code worth telling the searcher (e.g. "birth_date_only").
    hint: str | None = None


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
        # Eight bare digits may be an LMA number or a birth date without its last
        # four digits: look the LMA number up, and say what a personnummer needs.
        hint = (
            "birth_date_only"
            if identity.kind is Kind.LMA and reads_as_birth_date(text, today=today)
            else None
        )
        return Search(borrowers.filter(identifier=identity.value), identity, hint)
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


# --- remembering a search for paging ------------------------------------------------


@dataclass(frozen=True)
class RememberedSearch:
    """What a session keeps of a search: the text, or for an identity number only
    the codes of the accounts it found."""

    text: str
    codes: tuple[str, ...] | None

    def results(self, borrowers: BorrowerQuerySet, *, today: date) -> BorrowerQuerySet:
        """`borrowers` is scoped again on every page: a code never widens the scope."""
        if self.codes is not None:
            return borrowers.filter(code__in=self.codes)
        return search_borrowers(borrowers, self.text, today=today).results


def remember_search(session, session_key: str, found: Search, text: str, *, keep: int) -> str:
    """Keep the search in the session under a random key, so that paging through the
    results never puts it in a URL (identity numbers stay out of URLs and logs); the
    last `keep` searches are kept.

    SECURITY: an identity-number search is remembered by the internal codes it
    found, never by the number, so nothing personal outlives a deleted borrower."""
    searches = dict(session.get(session_key, {}))
    key = secrets.token_urlsafe(9)
    if found.identity is not None:
        searches[key] = {
            "codes": [str(code) for code in found.results.values_list("code", flat=True)]
        }
    else:
        searches[key] = {"text": text}
    session[session_key] = dict(list(searches.items())[-keep:])
    return key


def recall_search(session, session_key: str, key: str) -> RememberedSearch | None:
    """The search remembered under `key`, or None if there is none (expired, forged)."""
    remembered = session.get(session_key, {}).get(key) if key else None
    if not isinstance(remembered, dict):
        return None
    if isinstance(remembered.get("codes"), list):
        return RememberedSearch("", tuple(str(code) for code in remembered["codes"]))
    if isinstance(remembered.get("text"), str):
        return RememberedSearch(remembered["text"], None)
    return None


# --- the search workflow of every door -------------------------------------------------


def run_search(
    request,
    borrowers: BorrowerQuerySet,
    text: str,
    *,
    today: date,
    session_key: str,
    keep: int,
    detail: Callable[[Search], dict] | None = None,
) -> str:
    """One staff search, as *Sök användare* and MTM's admin both run it: the search
    (search_borrowers over the door's scoped `borrowers`), the volume limit for an
    identity number (refuse_unusual_search_volume: raises its ValidationError and
    nothing is recorded), the SEARCHED audit event, the hint worth telling the
    searcher (a message), and the search remembered in the session (remember_search).
    `detail(found)` adds the door's own details to the audit event. Returns the
    random key the results page is reached by.

    SECURITY: an identity number is kept in the audit log only as a keyed hash;
    names and e-mail addresses are not kept at all."""
    found = search_borrowers(borrowers, text, today=today)
    if found.identity:
        refuse_unusual_search_volume(request.user)
    record(
        Action.SEARCHED,
        actor=request.user,
        search_term=found.identity.value if found.identity else None,
        by="identity_number" if found.identity else "text",
        **(detail(found) if detail else {}),
    )
    if found.hint:
        messages.info(request, _(MESSAGES[found.hint]))
    return remember_search(request.session, session_key, found, text, keep=keep)


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
