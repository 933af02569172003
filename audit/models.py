from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATED = "created", _("created")
    VIEWED = "viewed", _("viewed")
    SEARCHED = "searched", _("searched")
    LISTED = "listed", _("listed")
    UPDATED = "updated", _("updated")
    PASSWORD_SET = "password_set", _("password set")
    DELETED = "deleted", _("deleted")
    CREDENTIALS_SENT = "credentials_sent", _("login details sent")
    TRANSFER_REQUESTED = "transfer_requested", _("transfer requested")
    TRANSFER_ACCEPTED = "transfer_accepted", _("transfer accepted")
    TRANSFER_REJECTED = "transfer_rejected", _("transfer rejected")
    TRANSFER_CANCELLED = "transfer_cancelled", _("transfer cancelled")
    TRANSFER_PULLED = "transfer_pulled", _("moved to another library")
    REMINDER_SENT = "reminder_sent", _("expiry reminder sent")
    LOGGED_IN = "logged_in", _("logged in")
    AUTHENTICATED = "authenticated", _("login checked")
    EXTRACTED = "extracted", _("register extract made")
    SECOND_FACTOR_ADDED = "second_factor_added", _("two-step verification turned on")
    SECOND_FACTOR_RESET = "second_factor_reset", _("two-step verification reset")
    UNUSUAL_SEARCHES = "unusual_searches", _("unusually many searches")
    SIGNIN_AUTHORIZED = "signin_authorized", _("signed in to a service")
    SIGNIN_TOKEN_ISSUED = "signin_token_issued", _("service given tokens")
    SIGNIN_REFUSED = "signin_refused", _("sign-in to a service refused")
    MERGED = "merged", _("accounts merged")
    IMPORTED = "imported", _("imported from the old register")


#: detail["reason"] of a DELETED event made by the retention rule (privacy/retention.py).
RETENTION_RULE = "retention_rule"


#: The events the statistics count (stats/counting.py): partial indexes cover them.
COUNTED_ACTIONS = [
    Action.CREATED,
    Action.DELETED,
    Action.TRANSFER_ACCEPTED,
    Action.TRANSFER_PULLED,
]


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Who did what to which borrower, and when (SPEC §2 Audit log).

    Append-only. It refers to the borrower by internal code only, with no
    foreign key, so it survives the borrower's deletion and then holds no
    personal data about them. Search terms that are identity numbers are kept
    only as a keyed hash.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # PROTECT: the log keeps its references; staff accounts are deactivated, not deleted.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff account"),
    )
    actor_role = models.CharField(_("role then"), max_length=30, blank=True)
    library = models.ForeignKey(
        "libraries.Library",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("library"),
        help_text=_("The library the action was done for or from."),
    )
    borrower_code = models.UUIDField(_("borrower's internal code"), null=True, blank=True)
    fields = models.JSONField(_("changed fields"), default=list, blank=True)
    search_hash = models.CharField(_("search term (keyed hash)"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        default_permissions = ("view",)
        indexes = [
            # The per-borrower history (GDPR art. 15 requests, MTM's admin filter).
            models.Index(fields=["borrower_code", "at"], name="audit_borrower_at_idx"),
            models.Index(fields=["search_hash"], name="audit_search_hash_idx"),
            # Statistik: registrations, deletions and moves per month, nationally and per
            # library (index-only on PostgreSQL; partial, so other events pay nothing).
            models.Index(
                fields=["action", "at"],
                include=["library", "borrower_code"],
                condition=Q(action__in=COUNTED_ACTIONS),
                name="audit_counted_action_at_idx",
            ),
            models.Index(
                fields=["library", "at"],
                include=["action", "borrower_code"],
                condition=Q(action__in=COUNTED_ACTIONS),
                name="audit_counted_library_idx",
            ),
            # Statistik: whether anyone was made a protected identity since the monthly
            # counts were made (a protection is recorded as an update with no library).
            models.Index(
                fields=["at"],
                condition=Q(action=Action.UPDATED, library__isnull=True),
                name="audit_unplaced_update_idx",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")

    @property
    def description(self) -> str:
        """The action as people read it: *borttaget enligt gallringsregel* for a
        deletion by the retention rule."""
        if self.action == Action.DELETED and self.detail.get("reason") == RETENTION_RULE:
            return str(_("deleted under the retention rule"))
        return self.get_action_display()


class LookupDoor(models.TextChoices):
    """The registrar's doors whose "is this identifier or e-mail taken?" step is a
    search (borrowers/lookups.py)."""

    CREATE_ADULT = "create_adult", _("Create adult borrower")
    CREATE_MINOR = "create_minor", _("Create borrower under 18")
    CREATE_LMA_ADULT = "create_lma_adult", _("Create adult borrower with LMA card")
    CREATE_LMA_MINOR = "create_lma_minor", _("Create borrower under 18 with LMA card")
    EDIT = "edit", _("Edit borrower")
    PULL = "pull", _("Move the borrower to your library")
    REPLACE_LMA = "replace_lma", _("The person has got a personal identity number")
    STUDENT_APPLICATION = "student_application", _("Student application")


class LookupMatch(models.TextChoices):
    IDENTITY_NUMBER = "identity_number", _("identity number")
    EMAIL = "email", _("e-mail address")


class ProtectedLookupAlertQuerySet(models.QuerySet):
    def unseen(self):
        return self.filter(seen_at__isnull=True)


class ProtectedLookupAlert(models.Model):
    """A registrar typed the identity number or e-mail address of a protected
    identity into one of their doors: MTM is told at once (the admin's start page
    and a mail to SECURITY_ALERT_EMAIL), and marks the alert seen.

    SECURITY: who, when, which door and which field matched, never the value typed
    nor the borrower (the SEARCHED event of the same lookup holds its keyed hash)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff account"),
    )
    library = models.ForeignKey(
        "libraries.Library",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("library"),
    )
    door = models.CharField(_("where"), max_length=30, choices=LookupDoor.choices)
    matched = models.CharField(_("what matched"), max_length=20, choices=LookupMatch.choices)
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seen by"),
    )

    objects = ProtectedLookupAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("protected identity typed")
        verbose_name_plural = _("protected identities typed")
        default_permissions = ("view", "change")

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.get_door_display()}"

    def mark_seen(self, *, by) -> bool:
        """MTM has seen the alert; False if someone already had."""
        return bool(
            ProtectedLookupAlert.objects.filter(pk=self.pk, seen_at__isnull=True).update(
                seen_at=timezone.now(), seen_by=by
            )
        )
