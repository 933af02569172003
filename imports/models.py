from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportedAccount(models.Model):
    """An account the import brought in from the old register, and when it was
    invited to choose a password in the new one (send_invitations)."""

    borrower = models.OneToOneField(
        "borrowers.Borrower",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("borrower"),
    )
    staff = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff account"),
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)

    class Meta:
        verbose_name = _("imported account")
        verbose_name_plural = _("imported accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(borrower__isnull=True) ^ Q(staff__isnull=True),
                name="imported_account_is_one_account",
            ),
        ]
        indexes = [
            # The pacing counts the invitations of the last hour; the run finds the rest.
            models.Index(fields=["invited_at"], name="imported_invited_idx"),
        ]

    def __str__(self):
        return str(self.borrower_id or self.staff_id)


class ImportRun(models.Model):
    """A file MTM uploads in the admin (*Importera låntagare*) for one library: first
    a dry run, then, when confirmed, the real run. Both run in the worker, with the
    same code as manage.py import_register (imports/run.py)."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Dry run in progress")
        CHECKED = "checked", _("Dry run done: waiting for confirmation")
        IMPORTING = "importing", _("Import in progress")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    library = models.ForeignKey(
        "libraries.Library", on_delete=models.PROTECT, related_name="+", verbose_name=_("library")
    )
    file_name = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CHECKING
    )
    done = models.PositiveIntegerField(default=0, editable=False)
    total = models.PositiveIntegerField(default=0, editable=False)
    #: Summary.as_dict() of the latest run (dry or real).
    summary = models.JSONField(default=dict, blank=True, editable=False)
    #: The report CSV (identity numbers masked), as --report writes it.
    report = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("borrower import")
        verbose_name_plural = _("Import borrowers")

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)
