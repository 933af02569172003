from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identity import normalise_identity
from core.validators import validate_name


class Role(models.TextChoices):
    HEAD_ADMIN = "huvudadministrator", _("Head administrator")
    REGISTRAR = "registrerare", _("Registrar")
    MEDIATOR = "formedlare", _("Mediator")


#: Roles that may use the registrar UI (SPEC §2 Staff accounts).
REGISTRAR_ROLES = frozenset({Role.HEAD_ADMIN, Role.REGISTRAR})


class StaffUserQuerySet(models.QuerySet):
    def at_library(self, library):
        return self.filter(library=library.main_library, is_active=True)

    def with_email(self, email):
        """The accounts whose login is `email` (a string, or an expression such as
        OuterRef): a staff e-mail address is unique whatever its letter case. The
        login, the password reset, the admin's forms, the staff member's own change
        and the account applications all look addresses up here."""
        return self.filter(email__iexact=email)

    def with_emails(self, emails):
        """with_email for many addresses at once (the import's batches): the same
        comparison, UPPER on both sides, as one IN."""
        wanted = {email.strip().upper() for email in emails}
        return self.alias(email_upper=Upper("email")).filter(email_upper__in=wanted)


class StaffUserManager(BaseUserManager.from_queryset(StaffUserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        """The login's lookup, by the same identity the login throttle counts
        (normalise_identity: stripped and casefolded). The database narrows the search
        (with_email); the identity decides, in Python, so that the lookup and the
        throttle agree on every database: PostgreSQL's UPPER() makes a dotless i (U+0131)
        match "i", which casefold() keeps apart, and a login the throttle would count
        under another account's key could go on guessing."""
        key = normalise_identity(username)
        for user in self.with_email(str(username or "").strip()):
            if normalise_identity(user.email) == key:
                return user
        raise self.model.DoesNotExist

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).strip(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class StaffUser(AbstractBaseUser, PermissionsMixin):
    """A personal account of library staff, or of MTM staff (is_staff, no library)."""

    email = models.EmailField(_("e-mail"), max_length=254)
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[validate_name]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[validate_name]
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True, validators=[validate_name])
    library = models.ForeignKey(
        "libraries.Library",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("library"),
        help_text=_("The main library this account belongs to. Empty for MTM staff."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    is_staff = models.BooleanField(
        _("MTM staff"),
        default=False,
        help_text=_("MTM staff work in the administration site."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Deactivate instead of deleting when the person leaves the workplace."),
    )
    date_joined = models.DateTimeField(_("created"), default=timezone.now)
    # Moves on whenever a second-factor device of this person stops or starts
    # vouching for them (accounts.mfa's signals): a verified session remembers the
    # generation it was verified in, so no device has to be read on each request.
    second_factor_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = StaffUserManager()

    # The second factor of the current session, set per request by
    # accounts.middleware.VerifiedSessionMiddleware (django-otp's API: is_verified()
    # and otp_device). Outside a request nobody is verified.
    _otp_verified = False
    _otp_persistent_id = None

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")
        constraints = [
            # The login: unique whatever the case (SPEC §2 Staff accounts).
            models.UniqueConstraint(Lower("email"), name="staffuser_email_ci_unique"),
            # Library staff have both a library and a role; MTM staff have neither.
            models.CheckConstraint(
                condition=(Q(library__isnull=True) & Q(role=""))
                | (Q(library__isnull=False) & ~Q(role="")),
                name="staffuser_library_and_role_together",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).strip()

    @property
    def is_registrar(self) -> bool:
        """May use the registrar UI: a head administrator or registrar of a library."""
        return self.is_active and self.library_id is not None and self.role in REGISTRAR_ROLES

    def deactivate(self) -> int:
        """The person has left (SPEC §2: deactivate, never delete): the account can no
        longer log in and every session it has ends now. Returns the sessions ended."""
        if self.is_active:
            self.is_active = False
            self.save(update_fields=["is_active"])
        return end_sessions_of(self)

    @property
    def is_head_admin(self) -> bool:
        return self.is_registrar and self.role == Role.HEAD_ADMIN

    def is_verified(self) -> bool:
        """This session has given a second factor that still vouches for the person."""
        return self._otp_verified

    @property
    def otp_device(self):
        """The device that verified this session, read only when a page asks."""
        if not self._otp_verified:
            return None
        if "_otp_device" not in self.__dict__:
            from django_otp.models import Device

            device = Device.from_persistent_id(self._otp_persistent_id)
            if device is not None and (device.user_id != self.pk or not device.confirmed):
                device = None
            self.__dict__["_otp_device"] = device
        return self.__dict__["_otp_device"]

    @otp_device.setter
    def otp_device(self, device):
        # django_otp.login() sets it once a device has verified this request.
        self.__dict__["_otp_device"] = device
        self._otp_verified = device is not None
        self._otp_persistent_id = device.persistent_id if device is not None else None


def end_sessions_of(user) -> int:
    """Delete every stored session of `user` (the database session backend).

    Sessions are signed blobs, so each live one is decoded; the table holds only
    unexpired sessions of people logged in within the idle timeout, so this stays small.
    """
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    user_pk = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == user_pk
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


class LoginFailure(models.Model):
    """One failed borrower login or password reset request, kept for the cool-off
    window only (borrower_throttle.py). Here, below selfservice, because the staff
    reset request shares the reset throttle (accounts/forms.py).

    Neither the e-mail nor the address is stored: `account` is a keyed hash of
    the e-mail, `source` a keyed hash of the client address (Mina sidor) or the
    service token's id (the login check).
    """

    class Channel(models.TextChoices):
        MINA_SIDOR = "mina_sidor", _("My pages")
        API = "api", _("Login check")
        RESET = "reset", _("Password reset request")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    account = models.CharField(_("account (keyed hash)"), max_length=64)
    source = models.CharField(_("source (keyed hash)"), max_length=64, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("failed borrower login")
        verbose_name_plural = _("failed borrower logins")
        indexes = [
            models.Index(fields=["channel", "account", "at"], name="loginfailure_account_idx"),
            models.Index(fields=["channel", "source", "at"], name="loginfailure_source_idx"),
            models.Index(fields=["at"], name="loginfailure_at_idx"),
        ]

    def __str__(self):
        return f"{self.channel} {self.at:%Y-%m-%d %H:%M}"
