"""Applications that MTM decides in the admin (SPEC §2 Staff account applications).

- AccountApplication: library staff ask, on a public form, for a registrar (or
  förmedlare) account at their library. Approval creates the staff account and
  mails a set-password link; rejection mails the reason.
- BranchApplication: a head administrator asks for a missing branch of their
  library. Approval creates the branch and mails the head administrator.

Each decision is one transaction: the conditional UPDATE that claims the
pending application, the account or branch it creates, the decision (who,
when) and the queued mail.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, StaffUser
from core import languages
from core.dates import validate_birth_date, validate_plausible_date
from core.validators import validate_name
from libraries.models import Library
from notifications.mail import queue_mail
from notifications.models import MailKind

#: Anti-automation on the public form (security.md §5): at most this many stored
#: applications per client address within RATE_WINDOW; more are silently discarded.
RATE_LIMIT = 5
RATE_WINDOW = timedelta(hours=1)


class Status(models.TextChoices):
    # Own msgids ("Rejected" is the transfers' "Nekad"; an application is "Avslagen").
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Declined")


#: The roles one may apply for. Head administrators are appointed by MTM.
APPLICABLE_ROLES = [
    (Role.REGISTRAR.value, Role.REGISTRAR.label),
    (Role.MEDIATOR.value, Role.MEDIATOR.label),
]


class DecisionRefused(Exception):
    """The application cannot be decided as asked; the message says why (for MTM)."""


def client_key(address: str) -> str:
    """A keyed hash of the client address: enough to count applications per address,
    without keeping the address itself (data minimisation)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()


def email_in_use(email: str) -> bool:
    return StaffUser.objects.with_email(email.strip()).exists()


class Decision(models.Model):
    """What both kinds of application share: status and the recorded decision."""

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(
        _("reason for rejection"),
        blank=True,
        help_text=_("Sent to the applicant in the rejection mail."),
    )

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status == Status.PENDING

    def _claim(self, *, status: str, by, reason: str = "") -> bool:
        """The conditional UPDATE: True for the one decision that wins a race."""
        now = timezone.now()
        won = (
            type(self)
            .objects.filter(pk=self.pk, status=Status.PENDING)
            .update(status=status, decided_by=by, decided_at=now, rejection_reason=reason)
        )
        if won:
            self.status, self.decided_by, self.decided_at = status, by, now
            self.rejection_reason = reason
        return bool(won)

    def _check_reason(self, reason: str) -> str:
        reason = (reason or "").strip()
        if not reason:
            raise DecisionRefused(gettext("Give a reason: it is sent to the applicant."))
        return reason


# -- Account applications ---------------------------------------------------------------


class DecisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Status.PENDING)


class AccountApplicationQuerySet(DecisionQuerySet):
    def visible_to(self, staff):
        # SECURITY: a head administrator sees the applications naming their main
        # library or one of its branches; everyone else in the registrar UI sees none.
        if not staff.is_head_admin:
            return self.none()
        return self.filter(library__in=staff.library.with_branches())

    def from_client(self, key: str, *, since):
        return self.filter(client_key=key, created_at__gte=since)

    def with_email_in_use(self):
        """Annotate `email_in_use`: the address already logs in to a staff account."""
        taken = StaffUser.objects.with_email(OuterRef("email"))
        return self.annotate(email_in_use=Exists(taken))


class AccountApplication(Decision):
    """Library staff asking for a registrar or förmedlare account at their library."""

    first_name = models.CharField(_("first name"), max_length=150, validators=[validate_name])
    last_name = models.CharField(_("last name"), max_length=150, validators=[validate_name])
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("phone"), max_length=50, validators=[validate_name])
    library = models.ForeignKey(
        "libraries.Library",
        on_delete=models.PROTECT,
        related_name="account_applications",
        verbose_name=_("library"),
        help_text=_("The library the applicant works at; the account belongs to its main library."),
    )
    role = models.CharField(_("role"), max_length=20, choices=APPLICABLE_ROLES)
    works_at_library = models.BooleanField(_("works at the library"), default=False)
    course_taken = models.BooleanField(_("has taken MTM's registrar course"), default=False)
    client_key = models.CharField(_("client key"), max_length=64, blank=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account created"),
    )

    objects = AccountApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("account application")
        verbose_name_plural = _("account applications")
        constraints = [
            # One pending application per e-mail: the public form relies on it to
            # discard a duplicate (even two sent at once) without saying so.
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(status="pending"),
                name="accountapplication_one_pending_per_email",
            ),
        ]
        indexes = [
            # The rate limit counts one address's applications within the last hour.
            models.Index(fields=["client_key", "created_at"], name="accountapp_client_idx"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} ({self.library})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @classmethod
    def submit(cls, *, client_address: str, now=None, **fields) -> "AccountApplication | None":
        """Store an application from the public form, or silently discard it when the
        address has sent too many within the hour, or the e-mail already has a pending
        application. Returns the application, or None when discarded: the caller
        answers the same either way."""
        now = now or timezone.now()
        key = client_key(client_address)
        if cls.objects.from_client(key, since=now - RATE_WINDOW).count() >= RATE_LIMIT:
            return None
        if cls.objects.pending().filter(email__iexact=fields["email"]).exists():
            return None
        try:
            with transaction.atomic():
                return cls.objects.create(client_key=key, created_at=now, **fields)
        except IntegrityError:  # a duplicate sent at the same moment
            return None

    @transaction.atomic
    def approve(self, *, by) -> StaffUser:
        """MTM approves: the staff account is created at the main library of the chosen
        library with the role asked for, and a set-password link is mailed. A library
        of the directory not yet active becomes active (connected) with it.
        Refused (DecisionRefused, nothing changes) when the application is no longer
        pending or its e-mail already logs in to an account."""
        if email_in_use(self.email):
            raise DecisionRefused(
                gettext(
                    "Another staff account already uses %(email)s. The application stays "
                    "pending: reject it, or change the other account first."
                )
                % {"email": self.email}
            )
        if not self._claim(status=Status.APPROVED, by=by):
            raise DecisionRefused(gettext("The application has already been decided."))
        try:
            with transaction.atomic():
                user = StaffUser.objects.create_user(
                    self.email,
                    first_name=self.first_name,
                    last_name=self.last_name,
                    phone=self.phone,
                    library=self.library.main_library,
                    role=self.role,
                )
        except IntegrityError as error:  # the same e-mail got an account a moment ago
            raise DecisionRefused(
                gettext("Another staff account already uses %(email)s.") % {"email": self.email}
            ) from error
        user.set_unusable_password()
        user.save(update_fields=["password"])
        # A library of the directory not yet connected is connected by its first account.
        main = self.library.main_library
        Library.objects.filter(pk__in={main.pk, self.library.pk}, active=False).update(active=True)
        type(self).objects.filter(pk=self.pk).update(account=user)
        self.account = user
        queue_mail(MailKind.STAFF_WELCOME, to=user.email, user=user.pk)
        return user

    @transaction.atomic
    def reject(self, *, by, reason: str) -> None:
        """MTM rejects with a reason, which is mailed to the applicant."""
        reason = self._check_reason(reason)
        if not self._claim(status=Status.REJECTED, by=by, reason=reason):
            raise DecisionRefused(gettext("The application has already been decided."))
        queue_mail(MailKind.ACCOUNT_APPLICATION_REJECTED, to=self.email, application=self.pk)


# -- Branch applications ----------------------------------------------------------------


class BranchApplicationQuerySet(DecisionQuerySet):
    def visible_to(self, staff):
        # SECURITY: a head administrator sees their own main library's applications only.
        if not staff.is_head_admin:
            return self.none()
        return self.filter(library_id=staff.library_id)


class BranchApplication(Decision):
    """A head administrator asking for a branch of their main library."""

    library = models.ForeignKey(
        "libraries.Library",
        on_delete=models.PROTECT,
        related_name="branch_applications",
        verbose_name=_("main library"),
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("applied by"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    street_address = models.CharField(
        _("street address"), max_length=200, validators=[validate_name]
    )
    postal_code = models.CharField(_("postal code"), max_length=10, validators=[validate_name])
    city = models.CharField(_("city"), max_length=100, validators=[validate_name])
    municipality = models.ForeignKey(
        "libraries.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    contact_name = models.CharField(
        _("talking-book contact"), max_length=200, blank=True, validators=[validate_name]
    )
    contact_email = models.EmailField(_("talking-book contact e-mail"), blank=True)
    branch = models.ForeignKey(
        "libraries.Library",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch created"),
    )

    objects = BranchApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("branch application")
        verbose_name_plural = _("branch applications")
        constraints = [
            # One pending application per name and library: the form turns a
            # double submission into a clear error.
            models.UniqueConstraint(
                "library",
                Lower("name"),
                condition=Q(status="pending"),
                name="branchapplication_one_pending_per_name",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.library})"

    @transaction.atomic
    def approve(self, *, by):
        """MTM approves: the branch is created under the main library, and the head
        administrator who applied is told."""

        main = self.library
        if main.is_branch:  # cannot happen from the form; the admin must not nest branches
            raise DecisionRefused(gettext("A branch must belong to a main library."))
        if not self._claim(status=Status.APPROVED, by=by):
            raise DecisionRefused(gettext("The application has already been decided."))
        branch = Library(
            name=self.name,
            library_type=main.library_type,
            parent=main,
            municipality=self.municipality,
            street_address=self.street_address,
            postal_code=self.postal_code,
            city=self.city,
            contact_name=self.contact_name,
            contact_email=self.contact_email,
        )
        try:
            branch.full_clean()
        except ValidationError as error:
            raise DecisionRefused(" ".join(error.messages)) from error
        branch.save()
        type(self).objects.filter(pk=self.pk).update(branch=branch)
        self.branch = branch
        queue_mail(
            MailKind.BRANCH_APPLICATION_APPROVED, to=self.applied_by.email, application=self.pk
        )
        return branch

    @transaction.atomic
    def reject(self, *, by, reason: str) -> None:
        """MTM rejects with a reason, which is mailed to the head administrator."""
        reason = self._check_reason(reason)
        if not self._claim(status=Status.REJECTED, by=by, reason=reason):
            raise DecisionRefused(gettext("The application has already been decided."))
        queue_mail(
            MailKind.BRANCH_APPLICATION_REJECTED, to=self.applied_by.email, application=self.pk
        )


def pending_account_applications(staff) -> AccountApplicationQuerySet:
    """For the head administrator's start page: pending account applications naming
    their library or one of its branches (none for anyone else)."""
    return (
        AccountApplication.objects.visible_to(staff)
        .pending()
        .select_related("library")
        .order_by("created_at")
    )


# -- Student applications (the handbook: Student utan svenskt personnummer) -------------


class StudentApplicationQuerySet(DecisionQuerySet):
    def visible_to(self, staff):
        # SECURITY: a registrar sees their own main library's and branches' applications.
        if not getattr(staff, "is_registrar", False):
            return self.none()
        return self.filter(library__in=staff.library.with_branches())


class StudentApplication(Decision):
    """A library asks MTM for a temporary account for a foreign student without a
    Swedish personnummer. Approval creates the borrower with an MTM temporary number."""

    library = models.ForeignKey(
        "libraries.Library",
        on_delete=models.PROTECT,
        related_name="student_applications",
        verbose_name=_("library"),
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("applied by"),
    )
    first_name = models.CharField(_("first name"), max_length=100, validators=[validate_name])
    last_name = models.CharField(_("last name"), max_length=100, validators=[validate_name])
    email = models.EmailField(_("e-mail"), max_length=254)
    birth_date = models.DateField(_("date of birth"), validators=[validate_birth_date])
    home_number = models.CharField(
        _("last digits from the home country"),
        max_length=50,
        blank=True,
        help_text=_("As the student writes them, if their home country has any."),
        validators=[validate_name],
    )
    studies_end = models.DateField(
        _("expected end of studies"), validators=[validate_plausible_date]
    )
    #: The student's language, which the account gets (Borrower.language).
    language = models.CharField(
        _("language"), max_length=10, choices=languages.choices, default="sv"
    )
    services = models.ManyToManyField(
        "borrowers.Service", blank=True, related_name="+", verbose_name=_("user groups")
    )
    borrower = models.ForeignKey(
        "borrowers.Borrower",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("borrower created"),
    )

    objects = StudentApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("student application")
        verbose_name_plural = _("student applications")

    def __str__(self):
        return f"{self.first_name} {self.last_name} ({self.library})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @transaction.atomic
    def approve(self, *, by, valid_until=None):
        """MTM approves: the borrower is created at the library with a new MTM
        temporary number, valid until `valid_until` (at most the expected end of
        studies; that day by default), with the user groups applied for; the
        student gets the login details mail and the registrar who applied a mail."""
        from borrowers.models import AlreadyRegistered, Borrower
        from borrowers.temporary import new_temporary_identity

        today = timezone.localdate()
        valid_until = valid_until or self.studies_end
        if valid_until > self.studies_end:
            raise DecisionRefused(
                gettext("The account can be valid at most until the end of studies, %(date)s.")
                % {"date": f"{self.studies_end:%Y-%m-%d}"}
            )
        if valid_until < today:
            raise DecisionRefused(gettext("The end of studies has passed: reject the application."))
        if not self._claim(status=Status.APPROVED, by=by):
            raise DecisionRefused(gettext("The application has already been decided."))
        try:
            borrower = Borrower.objects.register(
                by=by,
                identity=new_temporary_identity(self.birth_date),
                email=self.email,
                valid_until=valid_until,
                services=list(self.services.all()),
                library=self.library,
                first_name=self.first_name,
                last_name=self.last_name,
                via="student_application",
                language=self.language,
            )
        except AlreadyRegistered as error:
            raise DecisionRefused(
                gettext("Another borrower already uses %(email)s.") % {"email": self.email}
            ) from error
        type(self).objects.filter(pk=self.pk).update(borrower=borrower)
        self.borrower = borrower
        queue_mail(
            MailKind.STUDENT_APPLICATION_APPROVED, to=self.applied_by.email, application=self.pk
        )
        return borrower

    @transaction.atomic
    def reject(self, *, by, reason: str) -> None:
        """MTM rejects with a reason, which is mailed to the registrar who applied."""
        reason = self._check_reason(reason)
        if not self._claim(status=Status.REJECTED, by=by, reason=reason):
            raise DecisionRefused(gettext("The application has already been decided."))
        queue_mail(
            MailKind.STUDENT_APPLICATION_REJECTED, to=self.applied_by.email, application=self.pk
        )
