import hashlib
import hmac
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServiceTokenQuerySet(models.QuerySet):
    def active(self) -> "ServiceTokenQuerySet":
        return self.filter(revoked_at__isnull=True)

    def authenticate(self, token: str) -> "ServiceToken | None":
        """The active token `token` is, if any. Every active token's hash is
        compared in constant time (there are a handful: one per service)."""
        if not token:
            return None
        wanted = hash_token(token)
        found = None
        for candidate in self.active():
            if hmac.compare_digest(candidate.token_hash, wanted):
                found = candidate
        return found


class ServiceToken(models.Model):
    """A machine key for the login check API (the talking-book service).

    Only a SHA-256 hash is kept: the token itself is shown once, in the admin,
    when MTM creates it. Revoking is final; make a new token instead.
    """

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Which service uses the token, e.g. Legimus.")
    )
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ServiceTokenQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-created_at"]
        verbose_name = _("service token")
        verbose_name_plural = _("service tokens")

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def generate(self) -> str:
        """Give this (unsaved) row a fresh random token; returns it. Show it once."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        return token

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
