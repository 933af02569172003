from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import languages


class MailKind(models.TextChoices):
    """Every mail the registry sends; each has templates/mail/<value>.{subject.txt,txt,html}."""

    STAFF_PASSWORD_RESET = "staff_password_reset", _("Staff password reset")
    STAFF_WELCOME = "staff_welcome", _("New staff account")
    STAFF_PASSWORD_CHANGED = "staff_password_changed", _("Staff password changed")
    PROTECTED_LOOKUP = "staff_protected_lookup", _("Protected identity typed by a registrar")
    BORROWER_CREDENTIALS = "borrower_credentials", _("Borrower login details")
    BORROWER_PASSWORD_RESET = "borrower_password_reset", _("Borrower password reset")
    BORROWER_PASSWORD_CHANGED = "borrower_password_changed", _("Borrower password changed")
    EXPIRY_REMINDER = "expiry_reminder", _("Expiry reminder")
    ACCOUNT_NOW_YOURS = "borrower_account_now_yours", _("Borrower turned 18")
    LMA_REPLACED = "borrower_lma_replaced", _("LMA account replaced by a personal identity number")
    ACCOUNTS_MERGED = "borrower_accounts_merged", _("Borrower accounts merged")
    TRANSFER_REQUESTED = "transfer_requested", _("Transfer requested")
    TRANSFER_ACCEPTED = "transfer_accepted", _("Transfer accepted")
    TRANSFER_REJECTED = "transfer_rejected", _("Transfer rejected")
    TRANSFER_PULLED = "transfer_pulled", _("Moved to another library")
    ACCOUNT_APPLICATION_REJECTED = "application_account_rejected", _("Account application rejected")
    BRANCH_APPLICATION_APPROVED = "application_branch_approved", _("Branch application approved")
    BRANCH_APPLICATION_REJECTED = "application_branch_rejected", _("Branch application rejected")
    STUDENT_APPLICATION_APPROVED = "application_student_approved", _("Student application approved")
    STUDENT_APPLICATION_REJECTED = "application_student_rejected", _("Student application rejected")
    IMPORT_INVITATION = "import_invitation", _("Invitation after the move from the old register")
    STAFF_IMPORT_INVITATION = (
        "staff_import_invitation",
        _("Staff invitation after the move from the old register"),
    )


#: Mail to staff (registrars, MTM): always in Swedish. Every other kind goes to a
#: borrower and is written in the borrower's language (OutgoingMail.language); a test
#: renders each of those in every language of settings.LANGUAGES.
STAFF_KINDS = frozenset(
    {
        MailKind.STAFF_PASSWORD_RESET,
        MailKind.STAFF_WELCOME,
        MailKind.STAFF_PASSWORD_CHANGED,
        MailKind.PROTECTED_LOOKUP,
        MailKind.STAFF_IMPORT_INVITATION,
        MailKind.ACCOUNT_APPLICATION_REJECTED,
        MailKind.BRANCH_APPLICATION_APPROVED,
        MailKind.BRANCH_APPLICATION_REJECTED,
        MailKind.STUDENT_APPLICATION_APPROVED,
        MailKind.STUDENT_APPLICATION_REJECTED,
    }
)
BORROWER_KINDS = frozenset(MailKind) - STAFF_KINDS


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


#: Mail to staff is about the staff account, not about a borrower: kept when a
#: borrower with the same address is deleted, and left out of a borrower's extract.
STAFF_MAIL_KINDS = (
    MailKind.STAFF_PASSWORD_RESET,
    MailKind.STAFF_WELCOME,
    MailKind.PROTECTED_LOOKUP,
)


class OutgoingMailQuerySet(models.QuerySet):
    def about_borrower(self, *, email: str, pk: int):
        """The mail about one borrower: to their address (any letter case) or naming
        them in its context, staff mail (STAFF_MAIL_KINDS) left out. The rows
        Borrower.delete_account removes and the register extract lists."""
        return (
            self.exclude(kind__in=STAFF_MAIL_KINDS)
            .alias(to_lower=Lower("to"))
            .filter(Q(to_lower=email.lower()) | Q(context__borrower=pk))
        )


class OutgoingMail(models.Model):
    """One mail, queued in the transaction that caused it.

    Only the kind, the recipient and a small JSON context (ids, dates) are
    stored: the text is rendered when it is sent, so secrets such as
    set-password links are minted at delivery and never stored (SPEC §2 Credentials).
    """

    kind = models.CharField(_("kind"), max_length=40, choices=MailKind.choices)
    to = models.EmailField(_("recipient"), max_length=254)
    context = models.JSONField(_("context"), default=dict, blank=True)
    #: Decided when the mail is queued (the borrower's language then); the worker
    #: renders the mail in it.
    language = models.CharField(
        _("language"), max_length=10, choices=languages.choices, default="sv"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [
            # The admin's "failed mail" view, and the operations check for stuck mail.
            models.Index(fields=["status", "created_at"], name="mail_status_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to}"
