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

from registry.admin_tools import AutocompleteFilter, LargeTablePaginator, LibraryFilter

from .models import AuditEvent


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
