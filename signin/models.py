"""The OpenID Connect provider's tokens, bound to borrowers (docs/oidc.md).

django-oauth-toolkit keeps grants and tokens with a `user` foreign key to the
staff user model. Borrowers are not Django auth users, so the toolkit's four
token models are swapped for these (OAUTH2_PROVIDER_*_MODEL in the settings),
whose `user` points at borrowers.Borrower instead: the toolkit's own code then
stores and loads the borrower wherever it would a user. Deleting a borrower
(also when an LMA account is replaced) deletes every grant and token by cascade.

Each grant and token carries a stamp of the borrower's password hash when it was
made: a new password (Byt lösenord, Glömt lösenord, a registrar) makes the stamp
differ, and validators.py then refuses the code, the access token and the refresh
token. Clients (the toolkit's Application) are MTM's: the admin shows them as
*Tjänster* through the proxy model Client.
"""

import uuid

from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import (
    AbstractAccessToken,
    AbstractGrant,
    AbstractIDToken,
    AbstractRefreshToken,
    Application,
)

from borrowers.models import Borrower


def password_stamp(borrower: Borrower) -> str:
    """A keyed digest of the password hash: changes whenever the password does."""
    return salted_hmac("signin.password-stamp", borrower.password).hexdigest()


class BorrowerBound(models.Model):
    """What every grant and token adds: the stamp, set when the row is made."""

    password_stamp = models.CharField(_("password stamp"), max_length=64, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding and not self.password_stamp and self.user_id:
            self.password_stamp = password_stamp(self.user)
        super().save(*args, **kwargs)

    def still_held_by(self, borrower: Borrower) -> bool:
        """Whether the borrower's password is still the one this row was made under."""
        return self.password_stamp == password_stamp(borrower)


class Grant(BorrowerBound, AbstractGrant):  # noqa: DJ008 (the toolkit's __str__)
    user = models.ForeignKey(
        Borrower, on_delete=models.CASCADE, related_name="+", verbose_name=_("borrower")
    )
    #: When the borrower logged in to Mina sidor (the ID token's auth_time).
    auth_time = models.DateTimeField(_("logged in at"), null=True, blank=True)

    class Meta(AbstractGrant.Meta):
        verbose_name = _("authorization code")
        verbose_name_plural = _("authorization codes")


class AccessToken(BorrowerBound, AbstractAccessToken):  # noqa: DJ008 (the toolkit's __str__)
    user = models.ForeignKey(
        Borrower,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("borrower"),
    )

    class Meta(AbstractAccessToken.Meta):
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")


class RefreshToken(BorrowerBound, AbstractRefreshToken):  # noqa: DJ008 (the toolkit's __str__)
    user = models.ForeignKey(
        Borrower, on_delete=models.CASCADE, related_name="+", verbose_name=_("borrower")
    )
    auth_time = models.DateTimeField(_("logged in at"), null=True, blank=True)

    class Meta(AbstractRefreshToken.Meta):
        verbose_name = _("refresh token")
        verbose_name_plural = _("refresh tokens")


class IDToken(AbstractIDToken):
    user = models.ForeignKey(
        Borrower,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("borrower"),
    )

    class Meta(AbstractIDToken.Meta):
        verbose_name = _("ID token")
        verbose_name_plural = _("ID tokens")


class Subject(models.Model):
    """The `sub` a borrower has towards every client: random, stored, stable. It says
    nothing about the identity number or the internal code, and survives a change
    of either (an LMA account replaced by one with a personal identity number
    takes its subject along: see carry_over)."""

    borrower = models.OneToOneField(
        Borrower, on_delete=models.CASCADE, related_name="+", verbose_name=_("borrower")
    )
    sub = models.UUIDField(_("sign-in identifier"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("sign-in identifier")
        verbose_name_plural = _("sign-in identifiers")

    def __str__(self):
        return str(self.sub)

    @classmethod
    def of(cls, borrower: Borrower) -> str:
        subject, _created = cls.objects.get_or_create(borrower=borrower)
        return str(subject.sub)


class Client(Application):
    """A service that signs borrowers in (the toolkit's Application, as MTM sees it)."""

    class Meta:
        proxy = True
        verbose_name = _("service")
        verbose_name_plural = _("services")

    @property
    def first_party(self) -> bool:
        return self.skip_authorization
