"""Registering borrowers and sending them login details.

Each function is one state change with its audit event and queued mail, in one
transaction, called alike from views, the admin and the shell.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.log import record
from audit.models import Action
from notifications.mail import queue_mail
from notifications.models import MailKind

from .credentials import set_password_with_token
from .identity import Identity
from .models import Borrower, IdKind
from .signals import withdraw_pending_transfers


class AlreadyRegistered(Exception):
    """The identifier or e-mail was taken between the form's check and the save:
    another registrar saved the same person at the same moment."""


def register_borrower(
    *,
    by,
    identity: Identity,
    email: str,
    valid_until: date | None,
    services=(),
    library=None,
    first_name: str = "",
    last_name: str = "",
    guardian_birth_date: date | None = None,
    guardian_name: str = "",
    minor: bool = False,
    protected: bool = False,
    send_credentials: bool = True,
    via: str | None = None,
    replaces: Borrower | None = None,
) -> Borrower:
    """Create a borrower from a create form: the agreement, the CREATED event and,
    when asked, the login details mail.

    A protected identity keeps only identifier, e-mail, validity and services
    (SPEC §2): no names, guardian, library, nor the staff account that would
    place it at a library. The audit log still records who created it.

    `via` names the door in the audit log when it is not a registrar's form
    ("admin"); the events and the mail are the same. `replaces`: the LMA account
    this one replaces (replace_lma_account), named in the CREATED event.

    Raises AlreadyRegistered when a unique constraint (identifier, e-mail)
    refuses the row; nothing is then written.
    """
    now = timezone.now()
    borrower = Borrower(
        id_kind=identity.kind.value,
        identifier=identity.value,
        birth_date=identity.birth_date,
        email=email,
        valid_until=valid_until,
        registered_as_minor=minor,
        agreement_accepted_at=now,
        agreement_accepted_by=by,
        created_at=now,
        created_by=by,
        library=library,
        first_name=first_name,
        last_name=last_name,
        guardian_birth_date=guardian_birth_date if minor else None,
        guardian_name=guardian_name if minor else "",
    )
    if protected:
        borrower.clear_place()
        if getattr(by, "library_id", None) is not None:
            # A registrar's account would place the borrower at their library.
            borrower.agreement_accepted_by = borrower.created_by = None
    try:
        # A savepoint: the caller's transaction stays usable after a refused row.
        with transaction.atomic():
            borrower.save()
            borrower.services.set(services)
            door = {"via": via} if via else {}
            link = {"replaces": str(replaces.code)} if replaces else {}
            record(Action.CREATED, actor=by, borrower=borrower, **door, **link)
            if send_credentials:
                _send_credentials(borrower, by=by, **door)
    except IntegrityError as error:
        raise AlreadyRegistered from error
    return borrower


def replace_lma_account(lma: Borrower, *, by, send_credentials: bool, **registration) -> Borrower:
    """*Personen har fått personnummer*: create the person's new account from a create
    form's `registration` (register_borrower's arguments) and delete the LMA account,
    in one transaction.

    The LMA account's address is renamed first inside the transaction, so the new
    account may take the same login; its password carries over, its pending
    transfer request is withdrawn. The CREATED and DELETED events name each other;
    one mail tells the borrower (with a set-password link when `send_credentials`).
    Raises AlreadyRegistered as register_borrower does (nothing is then written),
    and Borrower.DoesNotExist when the LMA account is gone or no longer LMA.
    """
    with transaction.atomic():
        lma = Borrower.objects.select_for_update().get(pk=lma.pk, id_kind=IdKind.LMA)
        withdraw_pending_transfers.send(sender=Borrower, borrower=lma, by=by, reason="replaced")
        # Out of the unique e-mail's way; delete_account then removes the LMA
        # account's queued mail by its id, never the new account's.
        lma.email = f"{lma.code}@replaced.invalid"
        Borrower.objects.filter(pk=lma.pk).update(email=lma.email)
        borrower = register_borrower(by=by, replaces=lma, send_credentials=False, **registration)
        borrower.password = lma.password
        borrower.credentials_sent_at = timezone.now() if send_credentials else None
        borrower.save(update_fields=["password", "credentials_sent_at", "updated_at"])
        lma.delete_account(by=by, replaced_by=str(borrower.code))
        queue_mail(
            MailKind.LMA_REPLACED, to=borrower.email, borrower=borrower.pk, link=send_credentials
        )
        if send_credentials:
            record(Action.CREDENTIALS_SENT, actor=by, borrower=borrower)
    return borrower


def send_credentials(borrower: Borrower, *, by) -> None:
    """Mail the borrower their login and a fresh set-password link (valid 14 days).

    Sending again ends every earlier link (credentials.py fingerprints the time).
    """
    with transaction.atomic():
        _send_credentials(borrower, by=by)


def _send_credentials(borrower: Borrower, *, by, **detail) -> None:
    borrower.credentials_sent_at = timezone.now()
    borrower.save(update_fields=["credentials_sent_at", "updated_at"])
    # Only the borrower's id is stored: the link is minted at delivery (borrowers/mails.py).
    queue_mail(MailKind.BORROWER_CREDENTIALS, to=borrower.email, borrower=borrower.pk)
    record(Action.CREDENTIALS_SENT, actor=by, borrower=borrower, **detail)


def choose_password(token: str, raw_password: str) -> Borrower | None:
    """The borrower sets their password with the link from the credentials mail.

    Returns None when the link is no longer valid (used, expired or replaced by
    a fresher one). The new hash ends the link: it works once.
    """
    return set_password_with_token(token, raw_password, via="credentials_link")
