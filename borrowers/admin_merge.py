"""MTM's admin: *Slå ihop konton* (borrowers/merge.py does the work).

Reached from a *Möjliga dubbletter* pair, or by choosing exactly two borrowers in
the list and the action *Slå ihop konton*. A side-by-side table: per field, a
radio button under each account's value; the user groups default to both
accounts' union. A permission of its own (borrowers.merge_borrower).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.log import record
from audit.models import Action

from .merge import MERGE_FIELDS, PLACE_CHOICES, merge, union_of_services
from .models import Borrower, Service

MERGE_PERMISSION = "borrowers.merge_borrower"

#: The row labels, in the table's order.
LABELS = {
    "keep": _("Account kept"),
    "identifier": _("Identifier"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "email": _("E-mail (login)"),
    "valid_until": _("Valid until"),
    "library": _("Library"),
    "guardian": _("Guardian"),
}


def can_merge(request) -> bool:
    return request.user.has_perm(MERGE_PERMISSION)


def _display(borrower: Borrower, choice: str) -> str:
    match choice:
        case "keep":
            created = f"{borrower.created_at:%Y-%m-%d}"
            return gettext("Account created %(date)s") % {"date": created}
        case "identifier":
            return f"{borrower.display_identifier} ({borrower.get_id_kind_display()})"
        case "valid_until":
            if borrower.valid_until is None:
                return gettext("Until further notice")
            return f"{borrower.valid_until:%Y-%m-%d}"
        case "library":
            return borrower.library.name if borrower.library else "–"
        case "guardian":
            if borrower.guardian_birth_date is None and not borrower.guardian_name:
                return "–"
            born = (
                f"{borrower.guardian_birth_date:%Y-%m-%d}" if borrower.guardian_birth_date else ""
            )
            return " ".join(part for part in (borrower.guardian_name, born) if part)
    return getattr(borrower, choice) or "–"


class MergeForm(forms.Form):
    """One radio choice per row (the account the value comes from), and the groups."""

    def __init__(self, *args, first: Borrower, second: Borrower, **kwargs):
        super().__init__(*args, **kwargs)
        self.accounts = (first, second)
        protected = first.protected_identity or second.protected_identity
        later = second if _later(second.valid_until, first.valid_until) else first
        for choice in ["keep", *MERGE_FIELDS]:
            if protected and choice in PLACE_CHOICES:
                continue
            self.fields[choice] = forms.TypedChoiceField(
                label=LABELS[choice],
                choices=[(str(b.pk), _display(b, choice)) for b in self.accounts],
                coerce=int,
                initial=str((later if choice == "valid_until" else first).pk),
                widget=forms.RadioSelect,
                error_messages={"required": gettext("Choose one of the two values.")},
            )
        self.fields["services"] = forms.ModelMultipleChoiceField(
            label=_("User groups"),
            queryset=Service.objects.all(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=[s.pk for s in union_of_services(first, second)],
            help_text=_("Both accounts' groups are chosen to begin with."),
        )

    def clean(self):
        cleaned = super().clean()
        pks = {b.pk for b in self.accounts}
        for name, value in cleaned.items():
            if name != "services" and value not in pks:
                self.add_error(name, gettext("Choose one of the two values."))
        return cleaned

    @property
    def keep_and_other(self) -> tuple[int, int]:
        first, second = self.accounts
        keep = self.cleaned_data["keep"]
        return keep, (second.pk if keep == first.pk else first.pk)

    def sources(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in MERGE_FIELDS if name in self.fields}

    def add_merge_errors(self, error: ValidationError) -> None:
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)

    def rows(self):
        """The table: per choice, its bound field, one cell per account, its errors."""
        result = []
        for name in self.fields:
            if name == "services":
                continue
            bound = self[name]
            cells = [
                {
                    "id": f"id_{name}_{index}",
                    "value": str(borrower.pk),
                    "label": label,
                    "checked": str(bound.value()) == str(borrower.pk),
                }
                for index, (borrower, (_pk, label)) in enumerate(
                    zip(self.accounts, self.fields[name].choices, strict=True)
                )
            ]
            result.append(
                {"name": name, "label": bound.label, "cells": cells, "errors": bound.errors}
            )
        return result

    def summary(self):
        """The error summary: (anchor, message) for each error."""
        items = [("", message) for message in self.non_field_errors()]
        for name in self.fields:
            anchor = f"id_{name}_0"
            items += [(anchor, message) for message in self[name].errors]
        return items


def _later(a, b) -> bool:
    """Whether validity `a` lasts longer than `b` (None: until further notice)."""
    if a is None:
        return b is not None
    return b is not None and a > b


def merge_view(model_admin, request, first: int, second: int):
    if not (model_admin.has_change_permission(request) and can_merge(request)):
        raise PermissionDenied
    rows = Borrower.objects.select_related("library").in_bulk([first, second])
    if first == second or len(rows) < 2:
        raise Http404
    accounts = rows[first], rows[second]
    form = MergeForm(request.POST or None, first=accounts[0], second=accounts[1])
    if request.method == "POST" and form.is_valid():
        keep, other = form.keep_and_other
        try:
            kept = merge(
                keep=keep,
                other=other,
                by=request.user,
                sources=form.sources(),
                services=form.cleaned_data["services"],
            )
        except ValidationError as error:
            form.add_merge_errors(error)
        except Borrower.DoesNotExist:
            messages.error(request, gettext("One of the accounts has changed meanwhile."))
            return HttpResponseRedirect(reverse("admin:borrowers_borrower_duplicates"))
        else:
            messages.success(
                request,
                gettext("The accounts are merged into %(borrower)s. The borrower gets an e-mail.")
                % {"borrower": kept},
            )
            return HttpResponseRedirect(reverse("admin:borrowers_borrower_change", args=[kept.pk]))
    if request.method == "GET":
        for borrower in accounts:
            record(Action.VIEWED, actor=request.user, borrower=borrower, via="admin_merge")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Merge accounts"),
        "opts": model_admin.opts,
        "form": form,
        "accounts": accounts,
        "protected": any(b.protected_identity for b in accounts),
        "media": model_admin.media,
    }
    return TemplateResponse(request, "admin/borrowers/borrower/merge.html", context)


def merge_url(first: int, second: int) -> str:
    return reverse("admin:borrowers_borrower_merge", args=[first, second])
