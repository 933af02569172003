"""MTM's admin: *Möjliga dubbletter* (borrowers/duplicates.py finds the pairs).

A page of pairs across the whole country with the same names and birth date;
per pair MTM merges the two accounts (*Slå ihop konton*, admin_merge.py: a right
of its own), or marks the pair *inte samma person*.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from . import duplicates
from .admin_merge import can_merge
from .models import Borrower

PER_PAGE = 25
NOT_SAME = "not_same"


class ResolveForm(forms.Form):
    first = forms.IntegerField(widget=forms.HiddenInput)
    second = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[(NOT_SAME, NOT_SAME)])


def duplicates_view(model_admin, request):
    """MTM staff who may view borrowers: the list; who may change them: *inte samma
    person*; who may also merge them: a link to *Slå ihop konton* per pair."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    url = reverse("admin:borrowers_borrower_duplicates")
    can_resolve = model_admin.has_change_permission(request)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Possible duplicates"),
        "opts": model_admin.opts,
        "can_resolve": can_resolve,
        "can_merge": can_resolve and can_merge(request),
    }
    if request.method == "POST":
        if not can_resolve:
            raise PermissionDenied
        form = ResolveForm(request.POST)
        if form.is_valid():
            _not_the_same(request, form.cleaned_data)
        return HttpResponseRedirect(f"{url}?{request.GET.urlencode()}".rstrip("?"))
    after = request.GET.get("efter", "")
    context["page"] = duplicates.country_pairs(
        after=int(after) if after.isdigit() else None, groups=PER_PAGE
    )
    return TemplateResponse(request, "admin/borrowers/borrower/duplicates.html", context)


def _not_the_same(request, data) -> None:
    try:
        duplicates.not_the_same_person(data["first"], data["second"], by=request.user)
    except Borrower.DoesNotExist:
        messages.error(request, gettext("The pair has changed meanwhile. Look at the list again."))
        return
    messages.success(request, gettext("The pair is marked as not the same person."))
