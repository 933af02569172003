import secrets
import unicodedata
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import (
    UNUSABLE_PASSWORD_PREFIX,
    check_password,
    is_password_usable,
    make_password,
)
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import borrower_throttle as throttle
from audit.log import keyed_hash, record, record_many
from audit.models import Action
from core import languages
from core.bulk import create_many
from core.dates import validate_birth_date, validate_plausible_date
from core.validators import validate_name
from notifications.mail import queue_mail
from notifications.models import MailKind, OutgoingMail

from . import credentials
from .identity import (
    ADULT_AGE,
    Identity,
    Kind,
    from_stored,
    personnummer_replaces_samordningsnummer,
    years_ago,
)
from .signals import withdraw_pending_transfers


def name_key(first_name: str, last_name: str) -> str:
    """The names as the duplicate check compares them (borrowers/duplicates.py):
    letter case, accents, hyphens and spacing do not count. "" without names."""

    def plain(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        letters = "".join(c for c in decomposed if not unicodedata.combining(c))
        return " ".join(letters.replace("-", " ").split())

    first, last = plain(first_name), plain(last_name)
    return f"{first}|{last}" if first or last else ""


class Service(models.Model):
    """A user group MTM publishes (Laddare, Strömmare, TBK Talboken kommer)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Only published groups can be chosen by registrars."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("user group")
        verbose_name_plural = _("user groups")

    def __str__(self):
        return self.name


class AgreementText(models.Model):
    """MTM's lending rules, shown as *Avtalstext*: one text per language and audience
    (an adult accepts it; for a borrower under 18 the guardian does). Each change is a
    new row, so what a borrower accepted stays on record; the newest row of a language
    and audience is the one in force."""

    class Audience(models.TextChoices):
        ADULT = "adult", _("Adult borrower")
        MINOR = "minor", _("Borrower under 18 (the guardian accepts)")

    text = models.TextField(_("text"))
    language = models.CharField(
        _("language"), max_length=10, choices=languages.choices, default="sv"
    )
    audience = models.CharField(
        _("for"), max_length=10, choices=Audience.choices, default=Audience.ADULT
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["language", "audience", "-updated_at"]
        verbose_name = _("agreement text")
        verbose_name_plural = _("agreement texts")

    def __str__(self):
        return _("Agreement text (%(language)s, %(audience)s) of %(date)s") % {
            "language": self.get_language_display(),
            "audience": self.get_audience_display(),
            "date": f"{self.updated_at:%Y-%m-%d}",
        }

    @classmethod
    def current(cls, language: str | None = None, *, minor: bool = False) -> "AgreementText | None":
        """The text in force for `language` (default Swedish) and the audience; the
        Swedish one when the language has none yet."""
        audience = cls.Audience.MINOR if minor else cls.Audience.ADULT
        newest = cls.objects.order_by("-pk")  # rows are never edited: the last one added
        for code in dict.fromkeys([languages.supported(language), settings.LANGUAGE_CODE]):
            for wanted in (audience, cls.Audience.ADULT):
                found = newest.filter(language=code, audience=wanted).first()
                if found is not None:
                    return found
        return newest.first()


def expiring_q(days: int, today: date) -> Q:
    """Valid today, and the validity ends within `days` days (inclusive)."""
    return Q(valid_until__gte=today, valid_until__lte=today + timedelta(days=days))


class BorrowerQuerySet(models.QuerySet):
    def visible_to(self, staff) -> "BorrowerQuerySet":
        # SECURITY: the only door for registrar views. Own main library and its
        # branches; protected identities have no library and are excluded twice over.
        if not getattr(staff, "is_registrar", False):
            return self.none()
        return self.with_library().filter(library__in=staff.library.with_branches())

    def with_library(self) -> "BorrowerQuerySet":
        """Borrowers who belong to a library: everyone but protected identities."""
        return self.filter(protected_identity=False, library__isnull=False)

    def at_main_library(self, library) -> "BorrowerQuerySet":
        return self.filter(library_id=library.main_library.pk)

    def with_identifiers(self) -> "BorrowerQuerySet":
        return self.exclude(id_kind=Kind.LMA)

    def lma(self) -> "BorrowerQuerySet":
        return self.filter(id_kind=Kind.LMA)

    def adults(self, today: date) -> "BorrowerQuerySet":
        """Personnummer and samordningsnummer holders aged 18 or more today."""
        return self.with_identifiers().filter(birth_date__lte=years_ago(today, ADULT_AGE))

    def minors(self, today: date) -> "BorrowerQuerySet":
        return self.with_identifiers().filter(birth_date__gt=years_ago(today, ADULT_AGE))

    def lma_adults(self) -> "BorrowerQuerySet":
        return self.lma().filter(registered_as_minor=False)

    def lma_minors(self) -> "BorrowerQuerySet":
        return self.lma().filter(registered_as_minor=True)

    def expired(self, today: date) -> "BorrowerQuerySet":
        return self.filter(valid_until__lt=today)

    def expiring_within(self, days: int, today: date) -> "BorrowerQuerySet":
        """Valid today, and the validity ends within `days` days (inclusive)."""
        return self.filter(expiring_q(days, today))

    def count_with_expiring(self, days: int, today: date) -> tuple[int, int]:
        """(all, those expiring_within) in one pass: the start page's two figures."""
        counts = self.aggregate(
            total=models.Count("*"), expiring=models.Count("pk", filter=expiring_q(days, today))
        )
        return counts["total"], counts["expiring"]

    def with_email(self, email: str) -> "BorrowerQuerySet":
        # Lower(email) = lower(%s) is what the unique index serves.
        return self.alias(email_lower=Lower("email")).filter(email_lower=email.strip().lower())

    def with_emails(self, emails) -> "BorrowerQuerySet":
        """with_email for many addresses at once (the import's batches)."""
        wanted = {email.strip().lower() for email in emails}
        return self.alias(email_lower=Lower("email")).filter(email_lower__in=wanted)

    def for_token(self, token: str, *, purpose: str = "credentials") -> "Borrower | None":
        """The borrower a set-password link (credentials.py) was made for, while it is
        still valid: not expired, and neither password nor login details changed since."""
        signed = credentials.signed_code(token, purpose=purpose)
        if signed is None:
            return None
        code, fingerprint = signed
        borrower = self.filter(code=code).first()
        if borrower is None or not credentials.fits(borrower, fingerprint):
            return None
        return borrower


class IdKind(models.TextChoices):
    PERSONNUMMER = Kind.PERSONNUMMER.value, _("Personal identity number")
    SAMORDNINGSNUMMER = Kind.SAMORDNINGSNUMMER.value, _("Coordination number")
    LMA = Kind.LMA.value, _("LMA number")
    TEMPORARY = Kind.TEMPORARY.value, _("MTM temporary number")


class AlreadyRegistered(Exception):
    """The identifier or e-mail was taken between the form's check and the save:
    another registrar saved the same person at the same moment."""


class BorrowerManager(models.Manager.from_queryset(BorrowerQuerySet)):
    """The workflows that bring an account into being or act on it by a link, where
    there is no borrower instance to call yet. Each is one transaction with its
    audit event and queued mail."""

    def register(
        self,
        *,
        by,
        services=(),
        send_credentials: bool = True,
        via: str | None = None,
        replaces: "Borrower | None" = None,
        **account,
    ) -> "Borrower":
        """Create a borrower from a create form (`account`: build()'s keywords): the
        agreement, the CREATED event and, when asked, the login details mail.

        `via` names the door in the audit log when it is not a registrar's form
        ("admin"); the events and the mail are the same. `replaces`: the LMA account
        this one replaces (Borrower.replace_with_personnummer), named in the CREATED
        event.

        Raises AlreadyRegistered when a unique constraint (identifier, e-mail)
        refuses the row; nothing is then written.
        """
        borrower = self.build(by=by, **account)
        try:
            # A savepoint: the caller's transaction stays usable after a refused row.
            with transaction.atomic():
                borrower.save()
                borrower.services.set(services)
                door = {"via": via} if via else {}
                link = {"replaces": str(replaces.code)} if replaces else {}
                record(
                    Action.CREATED,
                    actor=by,
                    borrower=borrower,
                    at=account.get("at"),
                    **door,
                    **link,
                )
                if send_credentials:
                    borrower._queue_credentials(by=by, **door)
        except IntegrityError as error:
            raise AlreadyRegistered from error
        return borrower

    def register_many(self, accounts: list[tuple["Borrower", list]], *, by, via: str) -> None:
        """Accounts made by build(), each with its services, written in a few statements
        (the import's batches): what register() writes for each, without mail.

        Raises AlreadyRegistered when a unique constraint refuses one of them; nothing
        of the batch is then written (a savepoint), and the caller can register the
        accounts one by one to learn which.
        """
        borrowers = [borrower for borrower, _services in accounts]
        for borrower in borrowers:
            borrower.prepare_to_write()
        through = self.model.services.through
        try:
            with transaction.atomic():
                create_many(self.model, borrowers, ids=True)
                create_many(
                    through,
                    [
                        through(borrower_id=borrower.pk, service_id=service.pk)
                        for borrower, services in accounts
                        for service in services
                    ],
                )
                record_many(
                    Action.CREATED,
                    ({"borrower": b, "at": b.created_at, "via": via} for b in borrowers),
                    actor=by,
                )
        except IntegrityError as error:
            raise AlreadyRegistered from error

    def build(
        self,
        *,
        by,
        identity: Identity,
        email: str,
        valid_until: date | None,
        library=None,
        first_name: str = "",
        last_name: str = "",
        guardian_birth_date: date | None = None,
        guardian_name: str = "",
        minor: bool = False,
        protected: bool = False,
        at: datetime | None = None,
        language: str = settings.LANGUAGE_CODE,
        agreement_text: "AgreementText | None" = None,
    ) -> "Borrower":
        """The account register() saves, unsaved.

        A protected identity keeps only identifier, e-mail, validity and services
        (SPEC §2): no names, guardian, library, nor the staff account that would
        place it at a library. The audit log still records who created it.

        `at`: when the registration happened, for history recorded afterwards (an
        account brought in from the old register, the demo data): the account's
        creation, its agreement and its CREATED event are dated then, so that Statistik
        counts it in its month; otherwise now. `language`: the borrower's mail and own
        pages; the agreement recorded as accepted is the text in force in that language
        (`agreement_text`, when the caller already looked it up for many accounts).
        """
        now = at or timezone.now()
        borrower = self.model(
            id_kind=identity.kind.value,
            identifier=identity.value,
            birth_date=identity.birth_date,
            email=email,
            valid_until=valid_until,
            registered_as_minor=minor,
            agreement_accepted_at=now,
            agreement_accepted_by=by,
            agreement_text=agreement_text or AgreementText.current(language, minor=minor),
            language=languages.supported(language),
            created_at=now,
            created_by=by,
            library=library,
            first_name=first_name,
            last_name=last_name,
            guardian_birth_date=guardian_birth_date if minor else None,
            guardian_name=guardian_name if minor else "",
        )
        if protected:
            borrower.clear_place()
            if getattr(by, "library_id", None) is not None:
                # A registrar's account would place the borrower at their library.
                borrower.agreement_accepted_by = borrower.created_by = None
        return borrower

    # The set-password links: whoever holds one is the borrower, so there is no `by=`;
    # the audit log records the borrower acting on their own account (no staff actor).

    def choose_password(self, token: str, raw_password: str) -> "Borrower | None":
        """The borrower sets their password with the link from the credentials mail.

        Returns None when the link is no longer valid (used, expired or replaced by
        a fresher one). The new hash ends the link: it works once.
        """
        return self._set_password_with_token(token, raw_password, via="credentials_link")

    def reset_password(self, token: str, raw_password: str) -> "Borrower | None":
        """The borrower chooses a new password with the link from the reset mail.

        None when the link is no longer valid (used, older than two hours, or the
        password changed since). The new hash ends the link and every session of the
        borrower, and lifts a login lockout of the address.
        """
        with transaction.atomic():
            borrower = self._set_password_with_token(
                token, raw_password, purpose="reset", via="reset_link"
            )
            if borrower is not None:
                borrower._queue_password_changed_mail()
                throttle.clear(borrower.email)
        return borrower

    def request_password_reset(self, email: str) -> None:
        """Glömt lösenord: queue a reset mail if a borrower has this e-mail. The caller
        answers the same whatever happens here. At most AXES_FAILURE_LIMIT mails per
        address within the cool-off window, so nobody can flood a mailbox."""
        borrower = self.with_email(email).first() if email.strip() else None
        if borrower is None:
            return
        with transaction.atomic():
            if not throttle.allow_reset_mail(email):
                return
            # Only the id is stored: the single-use link is minted at delivery (mails.py).
            queue_mail(
                MailKind.BORROWER_PASSWORD_RESET,
                to=borrower.email,
                language=borrower.language,
                borrower=borrower.pk,
                email_hash=keyed_hash(borrower.email.lower()),
            )

    def _set_password_with_token(
        self, token: str, raw_password: str, *, purpose: str = "credentials", via: str
    ) -> "Borrower | None":
        """The one home of both links (login details, Glömt lösenord). None when the
        link is no longer valid; the new hash ends the link, so it works once. Runs
        inside the caller's transaction, which may add its own steps (mail, throttle)."""
        with transaction.atomic():
            borrower = self.for_token(token, purpose=purpose)
            if borrower is None:
                return None
            # Two submits of one link at once: the row lock orders them, and the second
            # sees the new hash and is refused.
            self.select_for_update().filter(pk=borrower.pk).first()
            borrower = self.for_token(token, purpose=purpose)
            if borrower is None:
                return None
            borrower.set_password(raw_password)
            borrower.save(update_fields=["password", "updated_at"])
            record(Action.PASSWORD_SET, borrower=borrower, via=via)
        return borrower


class Borrower(models.Model):
    """A person registered for the talking-book service: one account in the whole country."""

    code = models.UUIDField(_("internal code"), default=uuid.uuid4, unique=True, editable=False)
    id_kind = models.CharField(_("kind of identifier"), max_length=20, choices=IdKind.choices)
    identifier = models.CharField(
        _("identifier"),
        max_length=12,
        unique=True,  # one account per person in the whole registry (SPEC §2)
        help_text=_(
            "12 digits for a personal identity or coordination number, 8 for an LMA number."
        ),
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    registered_as_minor = models.BooleanField(
        _("registered as under 18"),
        default=False,
        help_text=_(
            "Registered with a form for borrowers under 18; the guardian accepted the agreement."
        ),
    )
    first_name = models.CharField(
        _("first name"), max_length=100, blank=True, validators=[validate_name]
    )
    last_name = models.CharField(
        _("last name"), max_length=100, blank=True, validators=[validate_name]
    )
    #: name_key(first_name, last_name), kept by save(): likely duplicates are found by it.
    name_key = models.CharField(_("name key"), max_length=210, blank=True, editable=False)
    email = models.EmailField(_("e-mail"), max_length=254)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Inclusive. Empty: until further notice."),
        validators=[validate_plausible_date],
    )
    library = models.ForeignKey(
        "libraries.Library",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="borrowers",
        verbose_name=_("library"),
    )
    services = models.ManyToManyField(
        Service, blank=True, related_name="borrowers", verbose_name=_("user groups")
    )
    guardian_birth_date = models.DateField(
        _("guardian's date of birth"), null=True, blank=True, validators=[validate_birth_date]
    )
    guardian_name = models.CharField(
        _("guardian's name"), max_length=200, blank=True, validators=[validate_name]
    )
    agreement_accepted_at = models.DateTimeField(_("agreement accepted"), null=True, blank=True)
    agreement_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement recorded by"),
    )
    protected_identity = models.BooleanField(_("protected identity"), default=False)
    #: Every mail to the borrower and their own pages are in this language.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=languages.choices,
        default="sv",
        help_text=_("The language of the borrower's e-mails and My pages."),
    )
    #: The agreement text the borrower (or guardian) accepted, in their language.
    agreement_text = models.ForeignKey(
        AgreementText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement text accepted"),
    )
    password = models.CharField(_("password"), max_length=128, default="", editable=False)
    credentials_sent_at = models.DateTimeField(_("login details sent"), null=True, blank=True)
    # Only the day, set by the login check API (selfservice/api.py): how long an
    # account has gone unused (privacy/admin.py), and nothing about when or where.
    last_login = models.DateField(_("last login in Legimus"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = BorrowerManager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("borrower")
        verbose_name_plural = _("borrowers")
        permissions = [("merge_borrower", _("Can merge borrower accounts"))]
        constraints = [
            # E-mail is the talking-book login: unique whatever the case (SPEC §2).
            models.UniqueConstraint(Lower("email"), name="borrower_email_ci_unique"),
            # A protected identity stores no name, guardian or library; everyone
            # else belongs to a library. Registrar scoping relies on both halves.
            models.CheckConstraint(
                condition=(
                    Q(
                        protected_identity=True,
                        library__isnull=True,
                        first_name="",
                        last_name="",
                        guardian_name="",
                        guardian_birth_date__isnull=True,
                    )
                    | Q(protected_identity=False, library__isnull=False)
                ),
                name="borrower_protected_identity_has_no_place",
            ),
            # Samordningsnummer and LMA accounts always end (SPEC §2).
            models.CheckConstraint(
                condition=Q(id_kind=IdKind.PERSONNUMMER) | Q(valid_until__isnull=False),
                name="borrower_temporary_identifiers_have_validity",
            ),
            models.CheckConstraint(
                condition=Q(id_kind=IdKind.LMA, birth_date__isnull=True)
                | (~Q(id_kind=IdKind.LMA) & Q(birth_date__isnull=False)),
                name="borrower_birth_date_from_identifier",
            ),
        ]
        indexes = [
            # Visa lists: a library's borrowers sorted by name.
            models.Index(
                fields=["library", "last_name", "first_name"], name="borrower_library_name_idx"
            ),
            # The daily reminder run and the start page's "expiring soon".
            models.Index(
                fields=["valid_until"],
                name="borrower_valid_until_idx",
                condition=Q(valid_until__isnull=False),
            ),
            # Statistik leaves out protected identities, also from the audit log's history,
            # and counts the accounts that ended per day (stats/counting.py).
            models.Index(
                fields=["code"],
                name="borrower_protected_code_idx",
                condition=Q(protected_identity=True),
            ),
            # How many protected identities Statistik's monthly counts were made
            # without (stats/counting.py), from the index alone.
            models.Index(
                fields=["created_at"],
                name="borrower_protected_created_idx",
                condition=Q(protected_identity=True),
            ),
            models.Index(
                fields=["valid_until", "library"],
                name="borrower_counted_validity_idx",
                condition=Q(protected_identity=False, valid_until__isnull=False),
            ),
            # Likely duplicates: at one's library on the create forms, and country-wide
            # for MTM (GROUP BY name_key, birth_date from the index alone).
            models.Index(fields=["name_key", "birth_date"], name="borrower_name_key_idx"),
        ]

    def __str__(self):
        if self.protected_identity:
            return str(_("Protected identity"))
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def save(self, *args, **kwargs):
        self.prepare_to_write()
        fields = kwargs.get("update_fields")
        if fields is not None and {"first_name", "last_name"} & set(fields):
            kwargs["update_fields"] = [*fields, "name_key"]
        super().save(*args, **kwargs)

    def prepare_to_write(self) -> None:
        """What every write of the row sets (save(), and bulk writes that skip it)."""
        if not self.password:
            # No usable password until one is chosen or set: Django's unusable form
            # (make_password(None): "!" and 40 random characters), drawn in one call
            # instead of forty, which an import of many accounts notices.
            self.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
        self.name_key = name_key(self.first_name, self.last_name)

    @property
    def identity(self) -> Identity:
        return from_stored(self.id_kind, self.identifier)

    @property
    def display_identifier(self) -> str:
        return self.identity.display()

    @property
    def masked_identifier(self) -> str:
        return self.identity.masked()

    @property
    def has_library(self) -> bool:
        """Belongs to a library (with_library): a protected identity has none, and
        contacts MTM instead; only such borrowers can move."""
        return not self.protected_identity and self.library_id is not None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def is_adult(self, today: date) -> bool:
        """The one adult rule for a stored account (lists, Mina sidor, the login check):
        an LMA holder as registered, anyone else by the number (Identity.is_adult_on)."""
        return not self.identity.is_minor_on(today, registered_as_minor=self.registered_as_minor)

    def is_expired(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today

    # --- MTM's own changes (the admin: borrowers/admin.py) ---------------------

    #: What a protected identity may not keep (SPEC §2), with its empty value.
    PLACE_FIELDS = {
        "first_name": "",
        "last_name": "",
        "guardian_name": "",
        "guardian_birth_date": None,
        "library": None,
    }

    def clear_place(self) -> None:
        """What a protected identity keeps (SPEC §2): identifier, e-mail, validity and
        services; names, guardian data and library go (PLACE_FIELDS). Unsaved."""
        for name, empty in self.PLACE_FIELDS.items():
            setattr(self, name, empty)
        self.protected_identity = True

    def protect(self, *, by) -> list[str]:
        """Make this a protected identity: names, guardian data and library go, so
        every registrar loses sight of the account at once (visible_to), and any
        pending transfer request is withdrawn. Other unsaved changes on this
        instance are saved with it. Returns the audited field names."""
        with transaction.atomic():
            # Compared with the stored row: a form may already have emptied the instance.
            columns = {name: self._meta.get_field(name).attname for name in self.PLACE_FIELDS}
            locked = Borrower.objects.select_for_update().filter(pk=self.pk)
            stored = locked.values(*columns.values()).first() or {}
            cleared = [name for name, column in columns.items() if stored.get(column)]
            self.clear_place()
            self.save()
            # Transfers withdraw a pending request (transfers/apps.py), in this transaction.
            withdraw_pending_transfers.send(
                sender=Borrower, borrower=self, by=by, reason="protected"
            )
            fields = [*cleared, "protected_identity"]
            record(Action.UPDATED, actor=by, borrower=self, fields=fields)
        return fields

    # Passwords: hashed with the project's hashers (Argon2); nobody can read one.
    def set_password(self, raw_password: str | None) -> None:
        self.password = make_password(raw_password)

    def check_password(self, raw_password: str) -> bool:
        def upgrade(raw):
            self.set_password(raw)
            Borrower.objects.filter(pk=self.pk).update(password=self.password)

        return check_password(raw_password, self.password, upgrade)

    def has_usable_password(self) -> bool:
        return bool(self.password) and is_password_usable(self.password)

    # --- Managing an account (registrar UI: borrowers/views/manage.py) --------

    def is_replaced_by(self, identity: Identity) -> bool:
        """Whether `identity` is the personnummer that may replace this account's
        samordningsnummer (SPEC §2): the same birth year, and the same month and
        day wherever the samordningsnummer states them (00 / 60 mean unknown); or
        this account's MTM temporary number: the same birth date."""
        if self.id_kind == IdKind.TEMPORARY:
            return identity.kind is Kind.PERSONNUMMER and identity.birth_date == self.birth_date
        if self.id_kind != IdKind.SAMORDNINGSNUMMER or identity.kind is not Kind.PERSONNUMMER:
            return False
        return personnummer_replaces_samordningsnummer(self.identifier, identity.value)

    def update_details(self, *, by, services=None, via: str | None = None, **changes) -> list[str]:
        """An edit of the account's details (the registrar's *Redigera låntagare*, MTM's
        admin): apply `changes` (field name -> value) and the set of `services`, and
        audit the names of the fields that changed, never values. `via` names the door
        in the audit log when it is not a registrar's form ("admin"). Returns those
        names; nothing is written when nothing changed."""
        changed = [name for name, value in changes.items() if getattr(self, name) != value]
        services_changed = services is not None and {s.pk for s in services} != set(
            self.services.values_list("pk", flat=True)
        )
        if not changed and not services_changed:
            return []
        with transaction.atomic():
            for name in changed:
                setattr(self, name, changes[name])
            # Only the edited columns: a transfer accepted meanwhile keeps its library.
            self.save(update_fields=[*changed, "updated_at"])
            if services_changed:
                self.services.set(services)
                changed.append("services")
            door = {"via": via} if via else {}
            record(Action.UPDATED, actor=by, borrower=self, fields=changed, **door)
        return changed

    def accepted_agreement(self) -> "AgreementText | None":
        """The agreement text the borrower (or guardian) accepted: the one recorded at
        registration; for an account from before texts were recorded, the Swedish text
        in force on the day it was accepted."""
        if self.agreement_text_id is not None:
            return self.agreement_text
        if self.agreement_accepted_at is None:
            return None
        audience = AgreementText.Audience.MINOR if self.registered_as_minor else "adult"
        earlier = AgreementText.objects.filter(
            language=settings.LANGUAGE_CODE, updated_at__lte=self.agreement_accepted_at
        ).order_by("-updated_at", "-pk")
        return earlier.filter(audience=audience).first() or earlier.first()

    def change_language(self, language: str, *, by, via: str = "mina_sidor") -> bool:
        """The borrower's choice on Mina sidor (`by` is the borrower, so the audit log
        names no staff actor): the next mail and page are in `language`. False when it
        was already the borrower's language."""
        language = languages.supported(language)
        if language == self.language:
            return False
        with transaction.atomic():
            self.language = language
            self.save(update_fields=["language", "updated_at"])
            record(Action.UPDATED, actor=by, borrower=self, fields=["language"], via=via)
        return True

    def send_credentials(self, *, by) -> None:
        """Mail the borrower their login and a fresh set-password link (valid 14 days).

        Sending again ends every earlier link (credentials.py fingerprints the time).
        """
        with transaction.atomic():
            self._queue_credentials(by=by)

    def _queue_credentials(self, *, by, **detail) -> None:
        self.credentials_sent_at = timezone.now()
        self.save(update_fields=["credentials_sent_at", "updated_at"])
        # Only the borrower's id is stored: the link is minted at delivery (borrowers/mails.py).
        queue_mail(
            MailKind.BORROWER_CREDENTIALS, to=self.email, language=self.language, borrower=self.pk
        )
        record(Action.CREDENTIALS_SENT, actor=by, borrower=self, **detail)

    def replace_with_personnummer(
        self, *, by, send_credentials: bool, **registration
    ) -> "Borrower":
        """*Personen har fått personnummer*: on this LMA account, create the person's
        new account from a create form's `registration` (BorrowerManager.register's
        arguments) and delete this one, in one transaction.

        This account's address is renamed first inside the transaction, so the new
        account may take the same login; its password carries over, its pending
        transfer request is withdrawn. The CREATED and DELETED events name each other;
        one mail tells the borrower (with a set-password link when `send_credentials`).
        Raises AlreadyRegistered as register does (nothing is then written), and
        Borrower.DoesNotExist when this account is gone or no longer LMA.
        """
        with transaction.atomic():
            lma = Borrower.objects.select_for_update().get(pk=self.pk, id_kind=IdKind.LMA)
            withdraw_pending_transfers.send(sender=Borrower, borrower=lma, by=by, reason="replaced")
            # Out of the unique e-mail's way; delete_account then removes the LMA
            # account's queued mail by its id, never the new account's.
            lma.email = f"{lma.code}@replaced.invalid"
            Borrower.objects.filter(pk=lma.pk).update(email=lma.email)
            borrower = Borrower.objects.register(
                by=by, replaces=lma, send_credentials=False, **registration
            )
            borrower.password = lma.password
            borrower.credentials_sent_at = timezone.now() if send_credentials else None
            borrower.save(update_fields=["password", "credentials_sent_at", "updated_at"])
            lma.delete_account(by=by, replaced_by=str(borrower.code))
            queue_mail(
                MailKind.LMA_REPLACED,
                to=borrower.email,
                language=borrower.language,
                borrower=borrower.pk,
                link=send_credentials,
            )
            if send_credentials:
                record(Action.CREDENTIALS_SENT, actor=by, borrower=borrower)
        return borrower

    def change_password(self, raw_password: str, *, by) -> None:
        """Byt lösenord on Mina sidor (the form has checked the current one); `by` is
        the borrower themselves, so the audit log names no staff actor. The new hash
        ends the borrower's other sessions (selfservice/session.py compares a
        fingerprint)."""
        with transaction.atomic():
            self.set_password(raw_password)
            self.save(update_fields=["password", "updated_at"])
            record(Action.PASSWORD_SET, actor=by, borrower=self, via="mina_sidor")
            self._queue_password_changed_mail()

    def _queue_password_changed_mail(self) -> None:
        """The borrower's own new password (Mina sidor, a reset link): a mail in the same
        transaction, so that someone else's change does not go unnoticed. Not when a
        registrar sets it (the handbook: no mail then)."""
        queue_mail(
            MailKind.BORROWER_PASSWORD_CHANGED,
            to=self.email,
            language=self.language,
            borrower=self.pk,
        )

    def set_password_by_registrar(self, raw_password: str, *, by) -> None:
        """Byt lösenord: no mail is sent; the registrar tells the borrower (SPEC §2).
        The new hash also ends every earlier set-password link (credentials.py)."""
        with transaction.atomic():
            self.set_password(raw_password)
            self.save(update_fields=["password", "updated_at"])
            record(Action.PASSWORD_SET, actor=by, borrower=self)

    def delete_account(self, *, by, **detail) -> None:
        """Radera kontot (a registrar) or Ta bort (MTM's admin): the account and
        everything personal about it goes (reminders by cascade, mail to the borrower
        that is queued or kept); the audit log keeps a DELETED event that names only
        the internal code. `by` is None and `detail` names the reason when the
        retention rule deletes it (privacy/retention.py)."""

        with transaction.atomic():
            record(Action.DELETED, actor=by, borrower=self, **detail)
            OutgoingMail.objects.about_borrower(email=self.email, pk=self.pk).delete()
            self.delete()


class NotDuplicate(models.Model):
    """MTM has marked two accounts *inte samma person*: the pair is not listed again."""

    first = models.ForeignKey(
        Borrower, on_delete=models.CASCADE, related_name="+", verbose_name=_("borrower")
    )
    second = models.ForeignKey(
        Borrower, on_delete=models.CASCADE, related_name="+", verbose_name=_("other borrower")
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked"), default=timezone.now)

    class Meta:
        verbose_name = _("not the same person")
        verbose_name_plural = _("not the same person")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="not_duplicate_once"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="not_duplicate_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.first_id} ≠ {self.second_id}"


class ExpiryReminder(models.Model):
    """One reminder sent for one end date. Unique, so that reruns and overlapping
    runs of send_expiry_reminders send one mail; a new end date re-arms it."""

    borrower = models.ForeignKey(
        Borrower, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("borrower")
    )
    valid_until = models.DateField(_("for the end date"))
    sent_at = models.DateTimeField(_("queued"), default=timezone.now)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["borrower", "valid_until"], name="reminder_once_per_end_date"
            ),
        ]

    def __str__(self):
        return f"{self.borrower_id}: {self.valid_until:%Y-%m-%d}"
