"""MTM's admin: *Förläng giltighetstid* for many borrowers at once.

An action on the borrowers chosen in the list (also all of a filtered list: by
library, kind of identifier, *upphör inom N dagar*): one new date; each account
is judged by rules.check_extension (the validity rule of its kind; LMA accounts
follow their card), extended through Borrower.update_details (audited; the new
end date re-arms the expiry reminder, as an edit does), and a result page lists
who was extended and who was refused, and why.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .forms.fields import SwedishDateField
from .identity import Kind
from .rules import check_extension

#: The choices of the *upphör inom* filter, in days.
EXPIRING_WITHIN = [14, 30, 60, 90]


class ExpiringWithinFilter(admin.SimpleListFilter):
    title = _("expires within")
    parameter_name = "upphor_inom"

    def lookups(self, request, model_admin):
        return [(str(days), _("%(days)d days") % {"days": days}) for days in EXPIRING_WITHIN]

    def queryset(self, request, queryset):
        if self.value() not in {str(days) for days in EXPIRING_WITHIN}:
            return queryset
        return queryset.expiring_within(int(self.value()), timezone.localdate())


class ExtendForm(forms.Form):
    valid_until = SwedishDateField(
        label=_("New validity (inclusive)"),
        error_messages={"required": _("Enter the date the accounts are to be valid until.")},
    )

    def clean_valid_until(self):
        day = self.cleaned_data["valid_until"]
        if day < timezone.localdate():
            raise forms.ValidationError(
                _("The date has passed. Enter today's date or a later one."), code="past"
            )
        return day


def extend_validity(model_admin, request, queryset):
    """The action: first the date (an intermediate page), then the result page."""
    form = ExtendForm(request.POST if "apply" in request.POST else None)
    borrowers = queryset.select_related("library").order_by("pk")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Extend validity"),
        "opts": model_admin.opts,
        "form": form,
        "count": borrowers.count(),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    if form.is_bound and form.is_valid():
        context["extended"], context["refused"] = _extend(
            borrowers, form.cleaned_data["valid_until"], by=request.user
        )
        context["title"] = gettext("Validity extended")
        context["new_date"] = form.cleaned_data["valid_until"]
        return TemplateResponse(request, "admin/borrowers/borrower/extend_result.html", context)
    return TemplateResponse(request, "admin/borrowers/borrower/extend.html", context)


def _extend(borrowers, valid_until, *, by):
    today = timezone.localdate()
    extended, refused = [], []
    for borrower in borrowers.iterator(chunk_size=500):
        try:
            check_extension(
                Kind(borrower.id_kind), valid_until, today=today, current=borrower.valid_until
            )
        except forms.ValidationError as error:
            refused.append((borrower, " ".join(error.messages)))
            continue
        borrower.update_details(by=by, valid_until=valid_until)
        extended.append(borrower)
    return extended, refused
