"""Invitations after go-live: imported accounts without a usable password are asked
to choose one, paced so that neither the mail server nor the libraries' phones are
flooded.

Pacing: `send_invitations` is run every hour (cron). A run queues at most
`per_hour` invitations less those queued in the hour before it, so runs that come
close together, or by hand, never exceed the hourly limit. Each account is invited
once (ImportedAccount.invited_at); the import itself never sends mail.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.mails import set_password_link
from accounts.models import StaffUser
from audit.log import record
from audit.models import Action
from borrowers.mails import password_link
from borrowers.models import Borrower
from notifications.mail import mail_context, queue_mails
from notifications.models import MailKind

from .models import ImportedAccount

DEFAULT_PER_HOUR = 2000
UNUSABLE = "!"  # django.contrib.auth.hashers.UNUSABLE_PASSWORD_PREFIX


def waiting(library=None):
    """Imported accounts without a usable password that have not been invited."""
    accounts = ImportedAccount.objects.filter(invited_at__isnull=True).filter(
        Q(borrower__password__startswith=UNUSABLE) | Q(staff__password__startswith=UNUSABLE)
    )
    if library is not None:
        accounts = accounts.filter(
            Q(borrower__library__in=library.with_branches())
            | Q(staff__library=library.main_library)
        )
    return accounts.order_by("pk")


def allowance(per_hour: int, *, now) -> int:
    """How many may be queued now: the hourly limit less the last hour's invitations."""
    recent = ImportedAccount.objects.filter(invited_at__gt=now - timedelta(hours=1)).count()
    return max(per_hour - recent, 0)


def send_invitations(*, per_hour=DEFAULT_PER_HOUR, library=None, dry_run=False) -> int:
    """Queue this hour's invitations; returns how many (would be) queued."""
    now = timezone.now()
    with transaction.atomic():
        batch = list(
            waiting(library)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("borrower", "staff")[: allowance(per_hour, now=now)]
        )
        if dry_run or not batch:
            return len(batch)
        borrowers = [a.borrower for a in batch if a.borrower_id]
        staff = [a.staff for a in batch if a.staff_id]
        # The link's fingerprint includes the time login details were sent.
        Borrower.objects.filter(pk__in=[b.pk for b in borrowers]).update(credentials_sent_at=now)
        queue_mails(
            MailKind.IMPORT_INVITATION,
            [(b.email, {"borrower": b.pk}, b.language) for b in borrowers],
        )
        queue_mails(MailKind.STAFF_IMPORT_INVITATION, [(u.email, {"user": u.pk}) for u in staff])
        for borrower in borrowers:
            record(Action.CREDENTIALS_SENT, borrower=borrower, via="invitation")
        ImportedAccount.objects.filter(pk__in=[a.pk for a in batch]).update(invited_at=now)
    return len(batch)


@mail_context(MailKind.IMPORT_INVITATION)
def borrower_invitation(context: dict) -> dict | None:
    """The register has moved: the login is unchanged; a set-password link, minted here."""
    borrower = Borrower.objects.filter(pk=context["borrower"]).first()
    if borrower is None or borrower.has_usable_password():
        return None  # deleted, or a password chosen meanwhile: nothing to send
    return {
        "email": borrower.email,
        **password_link(borrower),
        "protected": borrower.protected_identity,
    }


@mail_context(MailKind.STAFF_IMPORT_INVITATION)
def staff_invitation(context: dict) -> dict | None:
    user = StaffUser.objects.filter(pk=context["user"], is_active=True).first()
    if user is None or user.has_usable_password():
        return None
    return set_password_link(user)
