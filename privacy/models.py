from django.db import models
from django.utils.translation import gettext_lazy as _


class DeletionNoticeQuerySet(models.QuerySet):
    def current(self) -> "DeletionNoticeQuerySet":
        """Notices still about the account's end date (a new end date voids them)."""
        return self.filter(valid_until=models.F("borrower__valid_until"))


class DeletionNotice(models.Model):
    """An expired account listed for deletion under the retention rule (retention.py).

    Written by apply_retention when the account comes within the warning period;
    the account is deleted on `delete_on`, never before it has been listed for
    RETENTION_WARNING_DAYS days. Keyed to the end date: extending the validity
    voids the notice.
    """

    borrower = models.OneToOneField(
        "borrowers.Borrower",
        on_delete=models.CASCADE,
        related_name="deletion_notice",
        verbose_name=_("borrower"),
    )
    valid_until = models.DateField(_("for the end date"))
    listed_on = models.DateField(_("listed"))
    delete_on = models.DateField(_("deleted on"))

    objects = DeletionNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("deletion notice")
        verbose_name_plural = _("deletion notices")

    def __str__(self):
        return f"{self.borrower_id}: {self.delete_on:%Y-%m-%d}"
