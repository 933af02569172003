from django import forms
from django.contrib import admin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import NameFieldsMixin

from .models import County, DirectorySync, Library, Municipality


class LibraryAdminForm(NameFieldsMixin, forms.ModelForm):
    pass


class BranchInline(admin.TabularInline):
    model = Library
    form = LibraryAdminForm
    fk_name = "parent"
    fields = ["name", "library_type", "municipality", "active"]
    autocomplete_fields = ["municipality"]
    extra = 0
    verbose_name = _("branch")
    verbose_name_plural = _("branches")


@admin.register(Library)
class LibraryAdmin(admin.ModelAdmin):
    form = LibraryAdminForm
    list_display = [
        "sigel_or_dash",
        "name",
        "library_type",
        "county",
        "municipality_or_dash",
        "active",
        "parent",
        "people",
    ]
    list_display_links = ["sigel_or_dash", "name"]
    list_filter = ["library_type", "active", "county"]
    # "=sigel": the whole sigel, any letter case.
    search_fields = ["=sigel", "name", "city", "municipality__name", "county__name"]
    autocomplete_fields = ["parent", "county", "municipality"]
    list_select_related = ["county", "municipality", "parent"]
    change_list_template = "admin/libraries/library/change_list.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["people"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "sigel",
                    "name",
                    "library_type",
                    "parent",
                    "county",
                    "municipality",
                    "active",
                    "people",
                ]
            },
        ),
        (_("Talking-book contact"), {"fields": ["contact_name", "contact_email"]}),
        (
            _("Contact details"),
            {
                "fields": [
                    "box",
                    "street_address",
                    "postal_code",
                    "city",
                    "country",
                    "email",
                    "phone",
                    "fax",
                    "website",
                ]
            },
        ),
    ]
    inlines = [BranchInline]

    @admin.display(description=_("borrowers and staff"))
    def people(self, library):
        """Links to the borrower and staff lists filtered to this library (no counts:
        they would cost a query per row)."""
        if library.pk is None:
            return "–"
        borrowers = reverse("admin:borrowers_borrower_changelist")
        staff = reverse("admin:accounts_staffuser_changelist")
        return format_html(
            '<a href="{}?library={}">{}</a> · <a href="{}?library={}">{}</a>',
            borrowers,
            library.pk,
            gettext("Borrowers"),
            staff,
            library.parent_id or library.pk,
            gettext("Staff"),
        )

    @admin.display(description=_("Sigel"), ordering=Lower("sigel"))
    def sigel_or_dash(self, library):
        return library.sigel or "–"

    @admin.display(description=_("Municipality"), ordering="municipality__name")
    def municipality_or_dash(self, library):
        return library.municipality_name or "–"

    def changelist_view(self, request, extra_context=None):
        # When the directory sync last ran, and how it went.
        extra_context = {**(extra_context or {}), "last_sync": DirectorySync.objects.first()}
        return super().changelist_view(request, extra_context=extra_context)

    def get_inlines(self, request, obj):
        # Branches are listed on their main library only.
        return [] if obj is not None and obj.is_branch else self.inlines


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "county"]
    list_filter = ["county"]
    search_fields = ["name", "code"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
