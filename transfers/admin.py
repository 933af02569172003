from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import TransferRequest


@admin.register(TransferRequest)
class TransferRequestAdmin(admin.ModelAdmin):
    """Read-only for now: MTM sees every request and pull. Moving borrowers between
    any libraries from the admin is a later issue."""

    list_display = [
        "requested_at",
        "borrower",
        "from_library",
        "to_library",
        "status",
        "pulled",
        "decided_at",
    ]
    list_filter = [
        "status",
        "pulled",
        ("to_library", admin.RelatedOnlyFieldListFilter),
        ("from_library", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["from_library__name", "to_library__name"]
    search_help_text = _("Search by the name of the library the borrower moves from or to.")
    list_select_related = ["borrower", "from_library", "to_library"]
    date_hierarchy = "requested_at"
    readonly_fields = [
        "code",
        "borrower",
        "from_library",
        "to_library",
        "requested_by",
        "requested_at",
        "status",
        "decided_by",
        "decided_at",
        "pulled",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
