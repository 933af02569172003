"""What MTM sees of the retention rule and last use in the borrower admin
(borrowers/admin.py adds these filters and columns to its list)."""

from django.contrib import admin
from django.db.models import F
from django.utils.translation import gettext_lazy as _


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
