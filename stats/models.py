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


class MonthlyCount(models.Model):
    """How many counted audit events (registrations, deletions, transfers) one
    library had in one complete month, per action and, for a transfer, the library
    it came from (manage.py snapshot_statistics rebuilds them every night). Counts
    only, never a person. Protected identities are left out as they were at
    MonthlyCountState.built_at; the statistics use these rows only while that
    still holds (stats/counting.py), and count live otherwise."""

    month = models.DateField(_("month"))
    library = models.ForeignKey(
        "libraries.Library",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("library"),
    )
    action = models.CharField(_("action"), max_length=30)
    #: detail["from_library"] of a transfer; None for other events.
    from_library = models.IntegerField(_("from library"), null=True)
    events = models.PositiveIntegerField(_("events"), default=0)

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(
                fields=["action", "month"],
                include=["library", "from_library", "events"],
                name="monthly_count_action_idx",
            ),
            models.Index(
                fields=["library", "month"],
                include=["action", "from_library", "events"],
                name="monthly_count_library_idx",
            ),
            models.Index(
                fields=["from_library", "month"],
                include=["library", "action", "events"],
                condition=models.Q(from_library__isnull=False),
                name="monthly_count_from_idx",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.library_id} {self.action}: {self.events}"


class MonthlyCountState(models.Model):
    """The one row saying which months MonthlyCount holds and what it was built
    from: the protected identities registered before built_at (a count and the
    time), so that a protection or deletion since is seen. Counts only."""

    built_at = models.DateTimeField(_("built"))
    first_month = models.DateField(_("first month"))
    #: The first month not held (exclusive): the month the rows were built in.
    end_month = models.DateField(_("first month not held"))
    protected = models.PositiveIntegerField(_("protected identities registered before"))

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.first_month:%Y-%m} – {self.end_month:%Y-%m} ({self.built_at:%Y-%m-%d %H:%M})"
