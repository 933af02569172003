"""The register extract's two doors: MTM's admin (*Registerutdrag*, registered by
borrowers/admin.py) and Mina sidor (*Hämta mina uppgifter*, privacy:borrower_extract, under
Mina sidor's path)."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from selfservice import session

from .extract import audited_extract, for_page

JSON = "json"


def wants_file(request) -> bool:
    return request.GET.get("format") == JSON


def extract_file(extract: dict) -> JsonResponse:
    response = JsonResponse(extract, json_dumps_params={"ensure_ascii": False, "indent": 2})
    name = f"registerutdrag-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@session.borrower_required
@require_http_methods(["GET"])
def borrower_extract(request):
    """The logged-in borrower: Hämta mina uppgifter, the register extract (GDPR art. 15),
    as on Mina uppgifter: staff by library, the number masked. Audited."""
    as_file = wants_file(request)
    data = audited_extract(request.borrower, via="mina_sidor", as_file=as_file, for_borrower=True)
    if as_file:
        return extract_file(data)
    return render(
        request, "selfservice/extract.html", {"page": for_page(data), "borrower": request.borrower}
    )


def admin_extract_view(model_admin, request, object_id):
    """MTM: Registerutdrag of one borrower, protected identities included. Staff by
    library; `?namn=1` adds their names. `?format=json` downloads the same."""
    borrower = model_admin.get_object(request, unquote(object_id))
    if borrower is None or not model_admin.has_view_or_change_permission(request, borrower):
        raise Http404
    names = request.GET.get("namn") == "1"
    extract = audited_extract(
        borrower, by=request.user, via="admin", as_file=wants_file(request), staff_names=names
    )
    if wants_file(request):
        return extract_file(extract)
    opts = model_admin.opts
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Register extract"),
        "subtitle": str(borrower),
        "opts": opts,
        "original": borrower,
        "page": for_page(extract),
        "staff_names": names,
        "change_url": reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[borrower.pk]
        ),
    }
    return TemplateResponse(request, "admin/borrowers/borrower/extract.html", context)


def extract_url(borrower) -> str:
    return reverse("admin:borrowers_borrower_extract", args=[borrower.pk])


def register_extract_action(model_admin, request, queryset):
    """The list's action *Registerutdrag*: for one ticked borrower at a time."""
    if queryset.count() != 1:
        messages.error(request, _("Tick one borrower for a register extract."))
        return None
    return HttpResponseRedirect(extract_url(queryset.get()))


register_extract_action.short_description = gettext_lazy("Register extract")
