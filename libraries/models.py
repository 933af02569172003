from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower, Upper
from django.utils.translation import gettext_lazy as _

from core.validators import validate_name


class County(models.Model):
    """A län, from SCB's code list (loaded by a data migration)."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100, validators=[validate_name])

    class Meta:
        ordering = ["name"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    """A kommun, from SCB's code list (loaded by a data migration)."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100, validators=[validate_name])
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name


class LibraryType(models.TextChoices):
    """Bibliotekstyp. Biblioteksdatabasen's finer types map onto these
    (libraries/directory.py, BIBDB_TYPES)."""

    PUBLIC = "folkbibliotek", _("Public library")
    SCHOOL = "skolbibliotek", _("School library")
    FOLK_HIGH_SCHOOL = "folkhogskolebibliotek", _("Folk high school library")
    UNIVERSITY = "hogskolebibliotek", _("University library")
    REGIONAL = "regionbibliotek", _("Regional library")
    HOSPITAL = "sjukhusbibliotek", _("Hospital library")
    NATIONAL = "nationalbibliotek", _("National library")
    GOVERNMENT = "myndighetsbibliotek", _("Government agency library")
    MUSEUM = "museibibliotek", _("Museum library")
    SPECIAL = "specialbibliotek", _("Special library")
    OTHER = "ovrigt", _("Other")


class LibraryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def main_libraries(self):
        return self.filter(parent__isnull=True)

    def choosable_by(self, staff, *, keep=None):
        """The libraries a staff member may put a borrower in (SPEC §2 Branches): their
        main library and its open branches, plus `keep`, the library the borrower is
        at now (a closed branch stays selectable for a borrower who is still there)."""
        # SECURITY: the queryset is the server-side validation of every library choice.
        if getattr(staff, "library", None) is None:
            return self.none()
        main = staff.library.main_library
        return self.filter(
            Q(pk=main.pk) | Q(parent_id=main.pk, active=True) | Q(pk=getattr(keep, "pk", keep))
        ).order_by(F("parent").asc(nulls_first=True), "name")

    def open_branches_of(self, staff):
        """Visa filialer: the open branches of the staff member's main library."""
        if getattr(staff, "library", None) is None:
            return self.none()
        return self.filter(parent_id=staff.library.main_library.pk, active=True)

    def search(self, text: str):
        """Whole or partial name, or the whole sigel (any letter case), for the library
        search of the transfer flow and the account application."""
        text = " ".join(text.split())
        if not text:
            return self.none()
        return self.filter(Q(name__icontains=text) | Q(sigel__iexact=text))

    def with_sigel(self, sigel: str):
        """The library with this sigel, ignoring letter case (at most one)."""
        sigel = sigel.strip()
        if not sigel:
            return self.none()
        return self.filter(sigel__iexact=sigel)

    def with_sigels(self, sigels):
        """with_sigel for many at once (the import's batches): the same comparison,
        UPPER on both sides, as one IN."""
        wanted = {sigel.strip().upper() for sigel in sigels} - {""}
        return self.alias(sigel_upper=Upper("sigel")).filter(sigel_upper__in=wanted)

    def in_directory_or_active(self):
        """What the account application may name: an active library, or a main library
        of Biblioteksdatabasen (a sigel) not yet connected: inactive and never given a
        staff account (MTM activates it with its first registrar). A closed library
        (one that had staff, or a closed branch) is not offered."""
        staff = Library.staff.field.model.objects.filter(library=OuterRef("pk"))
        not_yet_connected = Q(active=False, parent__isnull=True) & ~Q(sigel="") & ~Exists(staff)
        return self.filter(Q(active=True) | not_yet_connected)


class Library(models.Model):
    """A main library (huvudbibliotek) or a branch (filial) of exactly one main library."""

    sigel = models.CharField(
        _("sigel"),
        max_length=20,
        blank=True,
        help_text=_(
            "The library's code in Biblioteksdatabasen (its ISIL is SE- and the sigel). "
            "Empty until the library is matched with the directory."
        ),
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    library_type = models.CharField(
        _("library type"), max_length=30, choices=LibraryType.choices, default=LibraryType.PUBLIC
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("main library"),
        help_text=_("Empty for a main library; the main library for a branch."),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="libraries",
        verbose_name=_("county"),
        help_text=_("Filled in from the municipality when left empty."),
        blank=True,
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="libraries",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        help_text=_(
            "Empty for a library of a whole region (a county), such as its hospital libraries."
        ),
    )
    contact_name = models.CharField(
        _("talking-book contact"), max_length=200, blank=True, validators=[validate_name]
    )
    contact_email = models.EmailField(_("talking-book contact e-mail"), blank=True)
    box = models.CharField(_("box"), max_length=50, blank=True, validators=[validate_name])
    street_address = models.CharField(
        _("street address"), max_length=200, blank=True, validators=[validate_name]
    )
    postal_code = models.CharField(
        _("postal code"), max_length=10, blank=True, validators=[validate_name]
    )
    city = models.CharField(_("city"), max_length=100, blank=True, validators=[validate_name])
    country = models.CharField(
        _("country"), max_length=100, blank=True, default="Sverige", validators=[validate_name]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True, validators=[validate_name])
    fax = models.CharField(_("fax"), max_length=50, blank=True, validators=[validate_name])
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("library")
        verbose_name_plural = _("libraries")
        indexes = [
            # Library search by partial name (transfer flow, admin autocomplete).
            models.Index(Lower("name"), name="library_name_lower_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="library_not_its_own_branch"
            ),
            # One library per sigel, whatever the letter case; libraries not yet
            # matched with Biblioteksdatabasen have none.
            models.UniqueConstraint(
                Lower("sigel"), condition=~Q(sigel=""), name="library_sigel_unique_ci"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.county_id is None and self.municipality_id is not None:
            self.county_id = self.municipality.county_id
        super().save(*args, **kwargs)

    @property
    def is_branch(self) -> bool:
        return self.parent_id is not None

    @property
    def main_library(self) -> "Library":
        return self.parent if self.parent_id else self

    @property
    def municipality_name(self) -> str:
        """Kommun as shown: empty for a region's library (it has only a county)."""
        return self.municipality.name if self.municipality_id else ""

    def with_branches(self) -> LibraryQuerySet:
        """This main library and its branches: the scope of its registrars."""
        main = self.main_library
        return Library.objects.filter(Q(pk=main.pk) | Q(parent_id=main.pk))

    def clean(self):
        self.sigel = self.sigel.strip()
        if self.county_id is None and self.municipality_id is not None:
            self.county_id = self.municipality.county_id
        if self.county_id is None:
            raise ValidationError(
                {"county": _("Choose the county, or the municipality the library is in.")},
                code="county_required",
            )
        if self.municipality_id is not None and self.municipality.county_id != self.county_id:
            raise ValidationError(
                {"municipality": _("The municipality must be in the library's county.")},
                code="municipality_outside_county",
            )
        if self.sigel and Library.objects.with_sigel(self.sigel).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"sigel": _("Another library already has this sigel.")}, code="sigel_taken"
            )
        # A branch of a branch would escape the one-level scoping every registrar view relies on.
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError({"parent": _("A branch must belong to a main library.")})
            if self.pk and self.branches.exists():
                raise ValidationError(
                    {"parent": _("A library that has branches cannot itself be a branch.")}
                )

    def validate_constraints(self, exclude=None):
        # The sigel's uniqueness is clean()'s, with an error next to the field; the
        # constraint stays the database's guard.
        super().validate_constraints(exclude={*(exclude or ()), "sigel"})


class DirectorySyncQuerySet(models.QuerySet):
    def last_success_from_api(self):
        """The last run against Biblioteksdatabasen's API that succeeded: the nightly
        incremental run asks for what has changed since the day it started."""
        return self.filter(ok=True, source__startswith="http").order_by("-started_at").first()


class DirectorySync(models.Model):
    """One run of manage.py sync_libraries (not its dry runs): when, from where, and
    its summary or why it failed. The library list in the admin shows the last one."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500)
    since = models.DateField(_("changed since"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = DirectorySyncQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("directory sync")
        verbose_name_plural = _("directory syncs")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.summary or self.error}"
