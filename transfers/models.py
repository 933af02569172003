"""Transfer requests (flyttansökan / biblioteksbyte) and pulls to one's own library.

Every rule about moving a borrower between libraries lives here, on the model
that owns the workflow: views, the admin and Mina sidor call the same methods.
Each state change writes its audit event and queues its mail in one transaction.

Lock order, everywhere in this module: the borrower row first, then the transfer
row. Keeping one order means a pull and an acceptance racing for the same
borrower wait for each other instead of deadlocking (PostgreSQL; SQLite
serialises writers anyway).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.log import record, record_many
from audit.models import Action
from borrowers.models import Borrower
from borrowers.rules import check_borrower_email, email_taken_error
from core import languages
from libraries.models import Library
from notifications.mail import queue_mail, queue_mails
from notifications.models import MailKind


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Withdrawn")


class TransferRefused(ValidationError):
    """A transfer the rules do not allow; the message is meant for the registrar.

    A ValidationError, so that a form can take it with form.add_error(None, error)
    (or a dict of field errors, for the pull form's e-mail)."""


class TransferRequestQuerySet(models.QuerySet):
    def pending(self) -> "TransferRequestQuerySet":
        return self.filter(status=Status.PENDING)

    def addressed_to(self, staff) -> "TransferRequestQuerySet":
        """Requests to the staff member's main library or one of its branches, whatever
        their status: a late second decision must find its request to be told that it
        was already handled."""
        # SECURITY: the receiving library's only door to a borrower that is not (yet)
        # theirs. Protected identities are excluded even if one got a request somehow.
        if not getattr(staff, "is_registrar", False):
            return self.none()
        return self.filter(
            to_library__in=staff.library.with_branches(), borrower__protected_identity=False
        )

    def sent_from(self, staff) -> "TransferRequestQuerySet":
        """Requests made from the staff member's libraries, whatever their status."""
        if not getattr(staff, "is_registrar", False):
            return self.none()
        return self.filter(from_library__in=staff.library.with_branches())

    def incoming_for(self, staff) -> "TransferRequestQuerySet":
        """Pending requests to the staff member's main library or one of its branches."""
        return self.addressed_to(staff).pending()

    def outgoing_for(self, staff) -> "TransferRequestQuerySet":
        """Pending requests for borrowers the staff member's library has now."""
        # SECURITY: by the borrower's current library, the same scope as visible_to.
        if not getattr(staff, "is_registrar", False):
            return self.none()
        return self.pending().filter(borrower__in=Borrower.objects.visible_to(staff).values("pk"))


class TransferRequest(models.Model):
    """A request to move a borrower to another library, and its decision.

    A pull (a registrar moving a borrower from another library to their own,
    with the borrower's consent) is stored as a row that is accepted at once,
    with `pulled=True`: requested_by = decided_by is the staff account that
    confirmed the borrower's consent, decided_at is when. One table then holds a
    borrower's whole history of library changes, for MTM in the admin.
    """

    code = models.UUIDField(_("internal code"), default=uuid.uuid4, unique=True, editable=False)
    borrower = models.ForeignKey(
        Borrower,
        # A deleted borrower's requests go too: they are personal data. The audit
        # log keeps the history without them.
        on_delete=models.CASCADE,
        related_name="transfer_requests",
        verbose_name=_("borrower"),
    )
    from_library = models.ForeignKey(
        "libraries.Library",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from library"),
    )
    to_library = models.ForeignKey(
        "libraries.Library",
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
        verbose_name=_("to library"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # PROTECT, like the audit log: staff accounts are deactivated, not deleted.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
        help_text=_("Empty when the borrower made the request on My pages."),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    pulled = models.BooleanField(
        _("moved by the new library"),
        default=False,
        help_text=_(
            "The new library moved the borrower at once; the staff account that decided "
            "confirmed that the borrower had agreed to the move."
        ),
    )

    objects = TransferRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        constraints = [
            # At most one pending request per borrower (SPEC §2). TransferRequest.request
            # relies on it to turn two simultaneous requests into a clear error, and
            # pull() to find the one request it must cancel.
            models.UniqueConstraint(
                fields=["borrower"],
                condition=Q(status="pending"),
                name="transfer_one_pending_per_borrower",
            ),
            # A move goes somewhere else: request() refuses the current library.
            models.CheckConstraint(
                condition=~Q(to_library=models.F("from_library")),
                name="transfer_to_another_library",
            ),
            # Decided exactly when no longer pending: the admin and the mails rely on it.
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="transfer_decided_when_not_pending",
            ),
            # A pull is a move that happened.
            models.CheckConstraint(
                condition=Q(pulled=False) | Q(status="accepted"),
                name="transfer_pull_is_accepted",
            ),
        ]
        indexes = [
            # Ansökningar om biblioteksbyte and the start page count: pending by receiver.
            models.Index(
                fields=["to_library", "requested_at"],
                name="transfer_pending_to_idx",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.borrower} → {self.to_library}"

    @property
    def is_pending(self) -> bool:
        return self.status == Status.PENDING

    # -- Making a request ---------------------------------------------------------

    @classmethod
    @transaction.atomic
    def request(cls, borrower: Borrower, *, to_library, by) -> "TransferRequest":
        """Ask `to_library` to take over `borrower`; the borrower stays until it decides.

        `by` is the registrar of the borrower's library (None: the borrower on
        Mina sidor). Raises TransferRefused for a move the rules do not allow,
        including a request that another one beat by a moment.
        """
        borrower = _lock(borrower)
        if not borrower.has_library:
            raise TransferRefused(_("This account cannot be moved. Contact MTM."), code="protected")
        if not to_library.active:
            raise TransferRefused(
                _("%(library)s no longer takes borrowers in the registry.")
                % {"library": to_library.name},
                code="inactive",
            )
        if to_library.pk == borrower.library_id:
            raise TransferRefused(
                _("The borrower already belongs to %(library)s.") % {"library": to_library.name},
                code="same_library",
            )
        if cls.objects.pending().filter(borrower=borrower).exists():
            raise TransferRefused(_already_pending(), code="already_pending")
        try:
            with transaction.atomic():
                transfer = cls.objects.create(
                    borrower=borrower,
                    from_library_id=borrower.library_id,
                    to_library=to_library,
                    requested_by=by,
                )
        except IntegrityError:
            # transfer_one_pending_per_borrower: another request won by a moment. Any
            # other constraint is a bug and stays an error: never "already pending".
            if not cls.objects.filter(borrower=borrower, status=Status.PENDING).exists():
                raise
            raise TransferRefused(_already_pending(), code="already_pending") from None
        record(
            Action.TRANSFER_REQUESTED,
            actor=by,
            borrower=borrower,
            library=borrower.library,
            to_library=to_library.pk,
            transfer=str(transfer.code),
        )
        queue_mail(
            MailKind.TRANSFER_REQUESTED,
            to=borrower.email,
            language=borrower.language,
            transfer=transfer.pk,
        )
        return transfer

    # -- Deciding ------------------------------------------------------------------

    def _claim(self, status: Status, *, by) -> bool:
        """Move this request from pending to `status`, if nobody else did first.

        The conditional UPDATE is the decision: of two registrars deciding at
        once, the second one's UPDATE matches no row (PostgreSQL re-checks the
        WHERE clause after waiting for the first one's lock)."""
        now = timezone.now()
        won = TransferRequest.objects.filter(pk=self.pk, status=Status.PENDING).update(
            status=status, decided_by=by, decided_at=now
        )
        if won:
            self.status, self.decided_by, self.decided_at = status, by, now
        else:
            self.refresh_from_db(fields=["status", "decided_by", "decided_at"])
        return bool(won)

    @transaction.atomic
    def accept(self, *, by) -> bool:
        """The receiving library accepts: the borrower moves to to_library (the branch,
        if the request names one) and is told. False when someone decided first."""
        borrower = _lock(self.borrower)
        if not self._claim(Status.ACCEPTED, by=by):
            return False
        from_library = borrower.library
        _move([borrower], to_library=self.to_library)
        record(
            Action.TRANSFER_ACCEPTED,
            actor=by,
            borrower=borrower,
            library=self.to_library,
            fields=["library"],
            from_library=from_library.pk if from_library else None,
            transfer=str(self.code),
        )
        queue_mail(
            MailKind.TRANSFER_ACCEPTED,
            to=borrower.email,
            language=borrower.language,
            transfer=self.pk,
        )
        return True

    @transaction.atomic
    def reject(self, *, by) -> bool:
        """The receiving library says no: the borrower stays and is told.
        False when someone decided first."""
        borrower = _lock(self.borrower)
        if not self._claim(Status.REJECTED, by=by):
            return False
        record(
            Action.TRANSFER_REJECTED,
            actor=by,
            borrower=borrower,
            library=self.to_library,
            transfer=str(self.code),
        )
        queue_mail(
            MailKind.TRANSFER_REJECTED,
            to=borrower.email,
            language=borrower.language,
            transfer=self.pk,
        )
        return True

    @transaction.atomic
    def cancel(self, *, by, reason: str = "withdrawn") -> bool:
        """The requesting library (or a pull) withdraws the request. No mail: nothing
        changed for the borrower. False when someone decided first."""
        borrower = _lock(self.borrower)
        if not self._claim(Status.CANCELLED, by=by):
            return False
        record(Action.TRANSFER_CANCELLED, actor=by, **self._cancelled(borrower, reason))
        return True

    def _cancelled(self, borrower: Borrower, reason: str) -> dict:
        """The TRANSFER_CANCELLED event's keywords (besides the actor): cancel() and
        the withdrawal in a move by MTM (_withdraw_pending) record the same event."""
        return {
            "borrower": borrower,
            "library": borrower.library,
            "to_library": self.to_library_id,
            "transfer": str(self.code),
            "reason": reason,
        }

    # -- Pulling a borrower to one's own library ----------------------------------

    @classmethod
    @transaction.atomic
    def pull(
        cls,
        borrower: Borrower,
        *,
        to_library,
        by,
        email: str,
        consent: bool,
        language: str | None = None,
    ) -> "TransferRequest":
        """Move a borrower of another library at once to `by`'s library (or a branch
        of it), with the borrower's consent, which `by` confirms.

        Cancels any pending request for the borrower, may change their e-mail
        (raises TransferRefused({"email": ...}) when another account has it) and
        mails them; when the e-mail changes, the old address is told as well (in the
        language the account had). `language`, when given, becomes the borrower's.
        """
        if not consent:
            raise TransferRefused(_consent_missing(), code="consent")
        borrower = _lock(borrower)
        if not borrower.has_library:
            raise TransferRefused(_("This account cannot be moved. Contact MTM."), code="protected")
        own = by.library.with_branches()
        # SECURITY: only into the registrar's own libraries, only from someone else's.
        if not Library.objects.choosable_by(by).filter(pk=to_library.pk).exists():
            raise TransferRefused(
                _("You can only move a borrower to your own library."), code="not_own"
            )
        if own.filter(pk=borrower.library_id).exists():
            raise TransferRefused(
                _("The borrower already belongs to your library."), code="same_library"
            )

        for pending in cls.objects.pending().filter(borrower=borrower):
            pending.borrower = borrower
            pending.cancel(by=by, reason="pulled")

        old_email, old_language = borrower.email, borrower.language
        email = email.strip()
        email_changed = email != old_email
        language = languages.supported(language) if language else old_language
        if email_changed:
            _check_email(email, by=by, borrower=borrower)

        from_library = borrower.library
        try:
            with transaction.atomic():
                _move([borrower], to_library=to_library, email=email, language=language)
        except IntegrityError:
            # borrower_email_ci_unique: someone took the address a moment ago. Any other
            # constraint is a bug and stays an error: never "the address is taken".
            if not Borrower.objects.with_email(email).exclude(pk=borrower.pk).exists():
                raise
            _check_email(email, by=by, borrower=borrower)
            raise TransferRefused({"email": [email_taken_error()]}, code="email_taken") from None
        (transfer,) = cls._record_moves(
            [borrower],
            from_libraries={borrower.pk: from_library},
            by=by,
            fields=[
                "library",
                *(["email"] if email_changed else []),
                *(["language"] if language != old_language else []),
            ],
            detail={"consent": True},
        )
        if email_changed and old_email.lower() != email.lower():
            # Tell the old address too: an e-mail change is how an account is taken over.
            queue_mail(
                MailKind.TRANSFER_PULLED,
                to=old_email,
                language=old_language,
                transfer=transfer.pk,
                old_address=True,
            )
        return transfer

    @classmethod
    @transaction.atomic
    def move_by_mtm(cls, borrower: Borrower, *, to_library, by) -> "TransferRequest":
        """MTM moves a borrower to any active library at once (the handbook's
        "contact MTM" cases), recorded like a pull; a pending request is withdrawn.
        One borrower of move_many_by_mtm: the same rule, rows, events and mail."""
        (transfer,) = cls.move_many_by_mtm([borrower], to_library=to_library, by=by)
        return transfer

    @classmethod
    @transaction.atomic
    def move_many_by_mtm(cls, borrowers, *, to_library, by) -> list["TransferRequest"]:
        """MTM moves borrowers to `to_library` at once, all or none: for each, a pending
        request is withdrawn (TRANSFER_CANCELLED, reason "moved_by_mtm"), then a pulled
        transfer row, a TRANSFER_PULLED event and a mail, as for one move by MTM.

        In a fixed number of queries however many (*Flytta alla låntagare* moves a
        batch at a time, transfers/bulk.py): one SELECT … FOR UPDATE of the borrowers
        (by id, so two batches never deadlock), one of their pending requests, one
        UPDATE each, one INSERT each of transfer rows, events and mails. Raises
        TransferRefused, moving nobody, when one of them cannot be moved."""
        borrowers = _lock_many(borrowers)
        for borrower in borrowers:
            if not borrower.has_library:
                raise TransferRefused(
                    _("This account cannot be moved. Contact MTM."), code="protected"
                )
            if borrower.library_id == to_library.pk:
                raise TransferRefused(
                    _("The borrower already belongs to that library."), code="same_library"
                )
        cls._withdraw_pending(borrowers, by=by, reason="moved_by_mtm")
        from_libraries = {borrower.pk: borrower.library for borrower in borrowers}
        _move(borrowers, to_library=to_library)
        return cls._record_moves(
            borrowers,
            from_libraries=from_libraries,
            by=by,
            fields=["library"],
            detail={"by": "mtm"},
            mail={"by_mtm": True},
        )

    @classmethod
    def _withdraw_pending(cls, borrowers, *, by, reason: str) -> None:
        """Withdraw the locked borrowers' pending requests (at most one each), as
        cancel() would: the request rows are locked after the borrowers' (the module's
        lock order), so no decision can come between; no mail."""
        by_pk = {borrower.pk: borrower for borrower in borrowers}
        pending = list(
            cls.objects.pending()
            .filter(borrower_id__in=by_pk)
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        if not pending:
            return
        cls.objects.filter(pk__in=[request.pk for request in pending]).update(
            status=Status.CANCELLED, decided_by=by, decided_at=timezone.now()
        )
        record_many(
            Action.TRANSFER_CANCELLED,
            [request._cancelled(by_pk[request.borrower_id], reason) for request in pending],
            actor=by,
        )

    @classmethod
    def _record_moves(
        cls, borrowers, *, from_libraries: dict, by, fields, detail, mail=None
    ) -> list["TransferRequest"]:
        """Moves that have happened: for each borrower (now at the new library) its
        accepted request row, audit event and mail, a single INSERT each."""
        now = timezone.now()
        transfers = cls.objects.bulk_create(
            [
                cls(
                    borrower=borrower,
                    from_library=from_libraries[borrower.pk],
                    to_library=borrower.library,
                    requested_by=by,
                    requested_at=now,
                    status=Status.ACCEPTED,
                    decided_by=by,
                    decided_at=now,
                    pulled=True,
                )
                for borrower in borrowers
            ]
        )
        record_many(
            Action.TRANSFER_PULLED,
            [
                {
                    "borrower": transfer.borrower,
                    "library": transfer.borrower.library,
                    "fields": fields,
                    "from_library": transfer.from_library.pk,
                    "transfer": str(transfer.code),
                    **detail,
                }
                for transfer in transfers
            ],
            actor=by,
        )
        _queue_mails(
            MailKind.TRANSFER_PULLED,
            [
                (
                    transfer.borrower.email,
                    {"transfer": transfer.pk, **(mail or {})},
                    transfer.borrower.language,
                )
                for transfer in transfers
            ],
        )
        return transfers


def _lock(borrower: Borrower) -> Borrower:
    """The borrower row, fresh and locked until the transaction ends (PostgreSQL;
    a no-op on SQLite, which lets one writer in at a time)."""
    return (
        Borrower.objects.select_for_update(of=("self",))
        .select_related("library")
        .get(pk=borrower.pk)
    )


def _lock_many(borrowers) -> list[Borrower]:
    """The borrowers' rows, fresh and locked as _lock does, in one query and in id
    order (two batches locking overlapping rows wait instead of deadlocking).
    Borrower.DoesNotExist, as from _lock, when one of them is gone."""
    pks = sorted({borrower.pk for borrower in borrowers})
    locked = list(
        Borrower.objects.select_for_update(of=("self",))
        .select_related("library")
        .filter(pk__in=pks)
        .order_by("pk")
    )
    if len(locked) != len(pks):
        raise Borrower.DoesNotExist("Borrower matching query does not exist.")
    return locked


def _move(
    borrowers: list[Borrower],
    *,
    to_library,
    email: str | None = None,
    language: str | None = None,
) -> None:
    """Only the columns a move changes, one UPDATE for all: a concurrent edit of names
    keeps its values. A new e-mail address is for one borrower only (it is unique)."""
    if email is not None and len(borrowers) != 1:
        raise ValueError("A new e-mail address moves one borrower only.")
    changes = {"library": to_library, "updated_at": timezone.now()}
    if email is not None:
        changes["email"] = email
    if language is not None:
        changes["language"] = language
    Borrower.objects.filter(pk__in=[borrower.pk for borrower in borrowers]).update(**changes)
    for borrower in borrowers:
        for name, value in changes.items():
            setattr(borrower, name, value)


def _queue_mails(kind: MailKind, mails: list[tuple[str, dict, str]]) -> None:
    """Queue the mails of one step: one mail (a single move, a pull) with its own
    delivery task at once (queue_mail); a batch's with queue_mails (the rows in one
    INSERT, one task that gives each its delivery task in the worker)."""
    if len(mails) == 1:
        to, context, language = mails[0]
        queue_mail(kind, to=to, language=language, **context)
    elif mails:
        queue_mails(kind, mails)


def _check_email(email: str, *, by, borrower: Borrower) -> None:
    """The borrower e-mail rule (borrowers.rules), as a refusal of the transfer."""
    try:
        check_borrower_email(email, staff=by, exclude_pk=borrower.pk)
    except ValidationError as error:
        raise TransferRefused({"email": error.error_list}, code="email_taken") from None


def _already_pending():
    return _(
        "There is already a transfer request for this borrower. Withdraw it before you "
        "make a new one."
    )


def _consent_missing():
    return _("Tick the box to confirm that the borrower has agreed to the move.")


def withdraw_pending(sender, *, borrower, by, reason, **kwargs) -> None:
    """A borrower who can no longer move (a protected identity has no library to move
    from; a replaced LMA account goes): their pending transfer request (at most one) is
    withdrawn (borrowers.signals)."""
    for pending in TransferRequest.objects.filter(borrower=borrower, status="pending"):
        pending.borrower = borrower
        pending.cancel(by=by, reason=reason)


class LibraryMoveStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Moving")
    DONE = "done", _("Done")


class LibraryMove(models.Model):
    """*Flytta alla låntagare*: every borrower of `from_library` moves to `to_library`,
    in the worker (transfers/bulk.py), batch by batch. `last_borrower` is how far it
    has come: each batch's moves, mails and progress commit together, so a killed
    worker resumes after the last whole batch and nobody is moved or mailed twice."""

    from_library = models.ForeignKey(
        "libraries.Library",
        on_delete=models.PROTECT,
        related_name="moves_away",
        verbose_name=_("from library"),
    )
    to_library = models.ForeignKey(
        "libraries.Library",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to library"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=LibraryMoveStatus.choices,
        default=LibraryMoveStatus.QUEUED,
    )
    total = models.PositiveIntegerField(_("borrowers to move"), default=0)
    moved = models.PositiveIntegerField(_("borrowers moved"), default=0)
    last_borrower = models.BigIntegerField(_("moved up to borrower id"), default=0)
    deactivate_staff = models.BooleanField(_("deactivate the library's staff accounts"))
    deactivate_library = models.BooleanField(_("deactivate the library when done"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("move of all borrowers")
        verbose_name_plural = _("moves of all borrowers")
        default_permissions = ("add", "view")

    def __str__(self):
        return f"{self.from_library} → {self.to_library}"
