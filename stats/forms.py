from datetime import date

from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from borrowers.forms.fields import SwedishDateField
from core.dates import validate_statistics_date
from core.forms import Form

from .counting import default_range

#: A longer range would make a table of more months than anyone reads.
MAX_RANGE_DAYS = 10 * 366


class RangeForm(Form):
    """Från and Till of the monthly figures (GET: the page is a link one can share)."""

    fran = SwedishDateField(label=_("From"), validators=[validate_statistics_date])
    till = SwedishDateField(label=_("To"), validators=[validate_statistics_date])

    def layout(self) -> Layout:
        return Layout("fran", "till")

    def clean(self):
        data = super().clean()
        start, end = data.get("fran"), data.get("till")
        if start and end:
            if start > end:
                self.add_error(
                    "till",
                    forms.ValidationError(
                        _("The end date must not be before the start date."), code="order"
                    ),
                )
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error(
                    "fran", forms.ValidationError(_("Choose at most ten years."), code="too_long")
                )
        return data


def chosen_range(params, today: date) -> tuple[RangeForm, date, date]:
    """The form (bound when the range was given) and the range to count:
    the one chosen, or the default when nothing or something wrong was given."""
    start, end = default_range(today)
    if "fran" not in params and "till" not in params:
        form = RangeForm(initial={"fran": start, "till": end})
        return form, start, end
    form = RangeForm(params)
    if form.is_valid():
        return form, form.cleaned_data["fran"], form.cleaned_data["till"]
    return form, start, end
