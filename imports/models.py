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
