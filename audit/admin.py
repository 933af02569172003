"""The audit log in the admin: read-only for everyone, superusers included.

MTM filters it by action, library, staff account, role, date and borrower
(the borrower's internal code: the link *Granskningslogg* on a borrower, or the
search box). Identity numbers are not searchable here: a search box is a GET,
and identity numbers never go into URLs (SPEC §4).
"""

import uuid

from django.contrib import admin
from django.contrib.admin.options import ShowFacets
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_tools import AutocompleteFilter, LargeTablePaginator, LibraryFilter

from .models import AuditEvent, ProtectedLookupAlert


class ActorFilter(AutocompleteFilter):
    title = _("staff account")
    field_name = "actor"
    parameter_name = "actor"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "what",
        "actor",
        "actor_role",
        "library",
        "borrower_code",
        "field_names",
    ]
    list_filter = ["action", LibraryFilter, ActorFilter, "actor_role"]
    list_select_related = ["actor", "library"]
    date_hierarchy = "at"
    search_fields = ["borrower_code"]
    search_help_text = _("A borrower's internal code.")
    raw_id_fields = ["actor", "library"]
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    paginator = LargeTablePaginator
    list_per_page = 100
    actions = None
    fields = [
        "at",
        "action",
        "actor",
        "actor_role",
        "library",
        "borrower_code",
        "fields",
        "search_hash",
        "detail",
    ]
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def what(self, event):
        return event.description

    @admin.display(description=_("changed fields"))
    def field_names(self, event):
        return ", ".join(event.fields)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            return queryset.filter(borrower_code=uuid.UUID(term)), False
        except ValueError:
            return queryset.none(), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProtectedLookupAlert)
class ProtectedLookupAlertAdmin(admin.ModelAdmin):
    """*Skyddad identitet inskriven*: a registrar typed a protected identity's number
    or address; MTM follows it up and marks it seen. Who, when, where: never what."""

    list_display = ["at", "staff", "library", "door", "matched", "seen_at", "seen_by"]
    list_filter = ["door", "matched", ("seen_at", admin.EmptyFieldListFilter), LibraryFilter]
    list_select_related = ["staff", "library", "seen_by"]
    date_hierarchy = "at"
    fields = ["at", "staff", "library", "door", "matched", "seen_at", "seen_by"]
    readonly_fields = fields
    actions = ["mark_seen"]

    @admin.action(description=_("Mark as seen"), permissions=["change"])
    def mark_seen(self, request, queryset):
        marked = sum(alert.mark_seen(by=request.user) for alert in queryset)
        self.message_user(
            request,
            ngettext("%(count)d alert marked as seen.", "%(count)d alerts marked as seen.", marked)
            % {"count": marked},
        )

    def save_model(self, request, obj, form, change):
        # Nothing on an alert is edited: saving it is marking it seen.
        obj.mark_seen(by=request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
