"""The borrower admin as MTM uses it: borrowers' own admin, with what the apps above
borrowers bring to it. It is put together here, in the roof, so that borrowers
imports neither transfers nor privacy (docs/architecture.md, *Layers*)."""

from django.contrib import admin

from borrowers import admin as borrowers_admin
from borrowers.models import Borrower
from libraries.admin import LibraryAdmin as BaseLibraryAdmin
from libraries.models import Library
from privacy.admin import PrivacyAdminMixin
from transfers.admin import MoveByMtmAdminMixin
from transfers.admin_bulk import MoveAllAdminMixin

base = borrowers_admin.BorrowerAdmin


@admin.register(Borrower)
class BorrowerAdmin(PrivacyAdminMixin, MoveByMtmAdminMixin, base):
    list_filter = [*base.list_filter, *PrivacyAdminMixin.privacy_filters]
    actions = [*PrivacyAdminMixin.actions, *base.actions]
    list_select_related = [*base.list_select_related, "deletion_notice"]
    readonly_fields = [*base.readonly_fields, "deletion_day"]

    def get_list_display(self, request):
        # The day an account goes is shown where it matters: in the list filtered by
        # the retention rule (a seventh column would not fit 1280 px beside the rest).
        if PrivacyAdminMixin.privacy_filters[0].parameter_name in request.GET:
            return [*self.list_display, "deletion_day"]
        return self.list_display


admin.site.unregister(Library)


@admin.register(Library)
class LibraryAdmin(MoveAllAdminMixin, BaseLibraryAdmin):
    """The library admin with *Flytta alla låntagare* (transfers/admin_bulk.py)."""
