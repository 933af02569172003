from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from registry.validators import validate_name


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
    PUBLIC = "folkbibliotek", _("Public library")
    SCHOOL = "skolbibliotek", _("School library")
    UNIVERSITY = "hogskolebibliotek", _("University library")
    REGIONAL = "regionbibliotek", _("Regional library")
    HOSPITAL = "sjukhusbibliotek", _("Hospital library")
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
        """Whole or partial name, for the library search of the transfer flow."""
        text = " ".join(text.split())
        if not text:
            return self.none()
        return self.filter(name__icontains=text)


class Library(models.Model):
    """A main library (huvudbibliotek) or a branch (filial) of exactly one main library."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    library_type = models.CharField(
        _("library type"), max_length=20, choices=LibraryType.choices, default=LibraryType.PUBLIC
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
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="libraries",
        verbose_name=_("municipality"),
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
        ]

    def __str__(self):
        return self.name

    @property
    def is_branch(self) -> bool:
        return self.parent_id is not None

    @property
    def main_library(self) -> "Library":
        return self.parent if self.parent_id else self

    @property
    def county(self) -> County:
        return self.municipality.county

    def with_branches(self) -> LibraryQuerySet:
        """This main library and its branches: the scope of its registrars."""
        main = self.main_library
        return Library.objects.filter(Q(pk=main.pk) | Q(parent_id=main.pk))

    def clean(self):
        # A branch of a branch would escape the one-level scoping every registrar view relies on.
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError({"parent": _("A branch must belong to a main library.")})
            if self.pk and self.branches.exists():
                raise ValidationError(
                    {"parent": _("A library that has branches cannot itself be a branch.")}
                )
