"""Statistik in Mitt bibliotek: the registrar's own main library, its branches and
the total. Another library's figures answer 404."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from accounts.decorators import registrar_required

from . import charts
from .counting import SERIES
from .forms import chosen_range
from .reports import library_report, series_values
from .tables import csv_response

LIBRARY_PARAMETER = "bibliotek"


def _selected(request):
    """The library chosen with ?bibliotek= (None: all together); 404 outside one's own."""
    value = request.GET.get(LIBRARY_PARAMETER, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise Http404
    library = request.user.library.with_branches().filter(pk=int(value)).first()
    if library is None:
        raise Http404
    return library


def _query(selected, start, end) -> str:
    """The page's choices, for the CSV links."""
    params = {"fran": f"{start:%Y-%m-%d}", "till": f"{end:%Y-%m-%d}"}
    if selected:
        params[LIBRARY_PARAMETER] = selected.pk
    return urlencode(params)


@registrar_required
@require_GET
def library_statistics(request):
    today = timezone.localdate()
    selected = _selected(request)
    form, start, end = chosen_range(request.GET, today)
    report = library_report(request.user, selected=selected, start=start, end=end, today=today)
    return render(
        request,
        "stats/library.html",
        {
            "library": request.user.library,
            "report": report,
            "form": form,
            "query": _query(selected, start, end),
            "charts": chart_context(report.months),
            "library_parameter": LIBRARY_PARAMETER,
        },
    )


def chart_context(months) -> list[dict]:
    """Each series' picture, in the page itself (a data: address, which the CSP's
    img-src allows: no request of its own), and its text alternative (the trend)."""
    result = []
    for key, label in SERIES:
        labels, values = series_values(months, key)
        result.append(
            {
                "src": charts.data_url(str(label), labels, values),
                "title": str(label),
                "alt": charts.trend_text(str(label), labels, values),
            }
        )
    return result


@registrar_required
@require_GET
def library_csv(request, table):
    today = timezone.localdate()
    selected = _selected(request)
    _form, start, end = chosen_range(request.GET, today)
    report = library_report(request.user, selected=selected, start=start, end=end, today=today)
    found = report.table(table)
    if found is None:
        raise Http404
    return csv_response(found, f"statistik-{table}-{start:%Y-%m-%d}-{end:%Y-%m-%d}")
