"""What MTM sees of the retention rule, last use and the register extract in the
borrower admin (portal/admin.py adds these to borrowers' admin)."""

from django.contrib import admin
from django.db.models import F, Q
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.retention import add_months
from privacy.views import admin_extract_view, register_extract_action

#: The American NLS suspends readers after 12 months without use; here MTM decides.
UNUSED_MONTHS = 12


class DeletionFilter(admin.SimpleListFilter):
    """Expired accounts listed for deletion (privacy/retention.py), protected
    identities included: no registrar sees those, MTM does."""

    title = _("retention rule")
    parameter_name = "gallras"

    def lookups(self, request, model_admin):
        return [("ja", _("Will be deleted"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(deletion_notice__valid_until=F("valid_until"))
        return queryset


def deletion_day(borrower):
    """The day the retention rule deletes the account, if it is listed."""
    notice = getattr(borrower, "deletion_notice", None)
    if notice is None or notice.valid_until != borrower.valid_until:
        return "–"
    return f"{notice.delete_on:%Y-%m-%d}"


class UnusedFilter(admin.SimpleListFilter):
    """A report for MTM, with no automatic action: accounts that have not logged in
    to Legimus for UNUSED_MONTHS months or more (never, when registered that long ago)."""

    title = _("last login in Legimus")
    parameter_name = "oanvant"

    def lookups(self, request, model_admin):
        return [("12", _("Not for 12 months or more"))]

    def queryset(self, request, queryset):
        if self.value() != "12":
            return queryset
        since = add_months(timezone.localdate(), -UNUSED_MONTHS)
        return queryset.filter(
            Q(last_login__lte=since) | Q(last_login__isnull=True, created_at__date__lte=since)
        )


class PrivacyAdminMixin:
    """The retention rule's column and filters, and Registerutdrag (one borrower,
    or the selected ones as an action)."""

    actions = [register_extract_action]
    privacy_filters = [DeletionFilter, UnusedFilter]

    @admin.display(description=_("to be deleted on"))
    def deletion_day(self, borrower):
        return deletion_day(borrower)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        extract = path(
            "<path:object_id>/registerutdrag/",
            self.admin_site.admin_view(
                lambda request, object_id: admin_extract_view(self, request, object_id)
            ),
            name="{}_{}_extract".format(*info),
        )
        return [extract, *super().get_urls()]
