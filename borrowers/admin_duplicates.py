"""MTM's admin: *Möjliga dubbletter* (borrowers/duplicates.py finds the pairs).

A page of pairs across the whole country with the same names and birth date;
per pair MTM keeps one account and deletes the other (after a confirmation,
through delete_account, audited), or marks the pair *inte samma person*.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from . import duplicates
from .models import Borrower

PER_PAGE = 25
KEEP_FIRST, KEEP_SECOND, NOT_SAME = "keep_first", "keep_second", "not_same"


class ResolveForm(forms.Form):
    first = forms.IntegerField(widget=forms.HiddenInput)
    second = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[(KEEP_FIRST, KEEP_FIRST), (KEEP_SECOND, KEEP_SECOND), (NOT_SAME, NOT_SAME)]
    )
    confirmed = forms.BooleanField(required=False)


def duplicates_view(model_admin, request):
    """MTM staff who may view borrowers: the list; who may change them: *inte samma
    person*; who may delete them (superusers): keeping one and deleting the other."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    url = reverse("admin:borrowers_borrower_duplicates")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Possible duplicates"),
        "opts": model_admin.opts,
        "can_resolve": model_admin.has_change_permission(request),
        "can_delete": model_admin.has_delete_permission(request),
    }
    if request.method == "POST":
        if not context["can_resolve"]:
            raise PermissionDenied
        form = ResolveForm(request.POST)
        if not form.is_valid():
            return HttpResponseRedirect(url)
        if form.cleaned_data["decision"] != NOT_SAME and not context["can_delete"]:
            raise PermissionDenied
        confirm = _resolve(request, form.cleaned_data)
        if confirm is None:
            return HttpResponseRedirect(f"{url}?{request.GET.urlencode()}".rstrip("?"))
        context.update(confirm, title=gettext("Delete one of the accounts?"))
        return TemplateResponse(request, "admin/borrowers/borrower/duplicates.html", context)
    after = request.GET.get("efter", "")
    context["page"] = duplicates.country_pairs(
        after=int(after) if after.isdigit() else None, groups=PER_PAGE
    )
    return TemplateResponse(request, "admin/borrowers/borrower/duplicates.html", context)


def _resolve(request, data) -> dict | None:
    """Carry out a decision; a deletion first asks again (returns the context of
    the question). None when done, or when the pair is no longer a pair."""
    first, second = data["first"], data["second"]
    try:
        if data["decision"] == NOT_SAME:
            duplicates.not_the_same_person(first, second, by=request.user)
            messages.success(request, gettext("The pair is marked as not the same person."))
            return None
        keep, delete = (first, second) if data["decision"] == KEEP_FIRST else (second, first)
        if not data["confirmed"]:
            rows = Borrower.objects.select_related("library").in_bulk([keep, delete])
            if len(rows) < 2:
                raise Borrower.DoesNotExist
            return {"keep": rows[keep], "delete": rows[delete], "decision": data}
        kept = duplicates.keep_one(keep=keep, delete=delete, by=request.user)
    except Borrower.DoesNotExist:
        messages.error(request, gettext("The pair has changed meanwhile. Look at the list again."))
        return None
    messages.success(
        request, gettext("The other account is deleted; %(borrower)s is kept.") % {"borrower": kept}
    )
    return None
