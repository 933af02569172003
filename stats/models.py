from django.db import models
from django.utils.translation import gettext_lazy as _


class DailySnapshot(models.Model):
    """One library's borrower figures at the start of one day (manage.py
    snapshot_statistics): the history the audit log cannot give, such as how
    many borrowers a library had on a past day and how many accounts ended.
    Counts only, never a person; protected identities are never in a snapshot."""

    day = models.DateField(_("day"))
    library = models.ForeignKey(
        "libraries.Library", on_delete=models.CASCADE, related_name="+", verbose_name=_("library")
    )
    borrowers = models.PositiveIntegerField(_("borrowers"), default=0)
    adults = models.PositiveIntegerField(_("adult borrowers"), default=0)
    minors = models.PositiveIntegerField(_("borrowers under 18"), default=0)
    lma_adults = models.PositiveIntegerField(_("adult borrowers with an LMA card"), default=0)
    lma_minors = models.PositiveIntegerField(_("borrowers under 18 with an LMA card"), default=0)
    samordningsnummer = models.PositiveIntegerField(_("with coordination number"), default=0)
    expired = models.PositiveIntegerField(_("expired"), default=0)
    expiring = models.PositiveIntegerField(_("ending within 30 days"), default=0)
    #: Accounts whose last valid day was the day before: the day's expiries.
    ended = models.PositiveIntegerField(_("ended the day before"), default=0)

    class Meta:
        ordering = ["-day", "library"]
        verbose_name = _("national statistics")
        verbose_name_plural = _("national statistics")
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["day", "library"], name="snapshot_once_per_day"),
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.library_id}"
