"""Every identity lookup is a search.

The "is this identifier or e-mail taken?" step of a registrar's door (the four
create forms, the edit form, the pull page, LMA → personnummer, the student
application) answers whether a person is a borrower, and where. So each lookup
is recorded and bounded like *Sök användare*: a SEARCHED audit event with the
term only as a keyed hash, counted toward SEARCH_LIMIT_PER_HOUR, refused with
the search's own message once the limit is reached (record_identity_lookup).
A door's form wires it once, with borrowers.forms.wiring.IdentityLookupMixin.

A match on a protected identity is the one answer that says something about a
protected person: MTM is told at once (alert_protected_match).
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from audit.log import record
from audit.models import Action, LookupDoor, LookupMatch, ProtectedLookupAlert
from notifications.mail import mail_context, queue_mail
from notifications.models import MailKind

from .identity import Identity
from .search import refuse_unusual_search_volume


def lookup_email_term(email: str) -> str:
    """The form of an e-mail address that is hashed: as the unique index and
    Borrower.objects.with_email compare it (stripped, lower case), so every
    letter case of one address is one term."""
    return email.strip().lower()


def record_identity_lookup(
    staff,
    *,
    identity: Identity | None = None,
    email: str | None = None,
    door: LookupDoor,
    check_limit: bool = True,
) -> None:
    """One identity lookup by a registrar's door: first the hourly limit
    (refuse_unusual_search_volume raises its ValidationError "too_many_searches"
    and nothing is recorded, so the caller must not look up), then one SEARCHED
    event per term, as *Sök användare* records it. `check_limit=False` for the
    second term of one submit, whose first term passed the limit.

    SECURITY: the identity number (its normalised value) and the e-mail address
    (lookup_email_term) are kept only as keyed hashes; `by` tells them apart."""
    if identity is None and not email:
        return
    if check_limit:
        refuse_unusual_search_volume(staff)
    library = getattr(staff, "library", None)
    if identity is not None:
        record(
            Action.SEARCHED,
            actor=staff,
            library=library,
            search_term=identity.value,
            by="identity_number",
            door=door,
        )
    if email:
        record(
            Action.SEARCHED,
            actor=staff,
            library=library,
            search_term=lookup_email_term(email),
            by="email",
            door=door,
        )


def alert_protected_match(staff, *, door: LookupDoor, matched: LookupMatch):
    """A registrar's input matched a protected identity: the alert MTM sees on the
    admin's start page and, in the same transaction, a mail to SECURITY_ALERT_EMAIL.

    SECURITY: who, when, which door and which field; never the value typed."""
    with transaction.atomic():
        alert = ProtectedLookupAlert.objects.create(
            staff=staff, library=getattr(staff, "library", None), door=door, matched=matched
        )
        if settings.SECURITY_ALERT_EMAIL:
            queue_mail(MailKind.PROTECTED_LOOKUP, to=settings.SECURITY_ALERT_EMAIL, alert=alert.pk)
    return alert


@mail_context(MailKind.PROTECTED_LOOKUP)
def protected_lookup_mail(context: dict) -> dict | None:
    alert = (
        ProtectedLookupAlert.objects.select_related("staff", "library")
        .filter(pk=context["alert"])
        .first()
    )
    if alert is None:
        return None
    return {
        "alert": alert,
        "link": settings.SITE_URL
        + reverse("admin:audit_protectedlookupalert_change", args=[alert.pk]),
    }
