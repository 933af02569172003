"""MTM's statistics in the admin: the whole country per county, municipality and
library type, the rankings, and the export for publication."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .forms import chosen_range
from .models import DailySnapshot
from .reports import PUBLICATION_TABLES, national_report
from .tables import csv_response
from .views import chart_context


@admin.register(DailySnapshot)
class StatisticsAdmin(admin.ModelAdmin):
    """The changelist is the national statistics page; the snapshots themselves
    are written by manage.py snapshot_statistics only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("<slug:table>.csv", view(self.csv_view), name="{}_{}_csv".format(*info)),
            path(
                "publicering/<slug:table>.csv",
                view(self.publication_view),
                name="{}_{}_publication".format(*info),
            ),
            *super().get_urls(),  # the changelist (the national page) among them
        ]

    def _url(self, name):
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}"

    def _check(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

    def _report(self, request):
        today = timezone.localdate()
        form, start, end = chosen_range(request.GET, today)
        return form, national_report(start=start, end=end, today=today)

    def changelist_view(self, request, extra_context=None):
        self._check(request)
        form, report = self._report(request)
        query = urlencode({"fran": f"{report.start:%Y-%m-%d}", "till": f"{report.end:%Y-%m-%d}"})
        tables = [
            {
                "table": table,
                "csv_url": f"{reverse(self._url('csv'), args=[table.slug])}?{query}",
                "publication_url": (
                    f"{reverse(self._url('publication'), args=[table.slug])}?{query}"
                    if table.slug in PUBLICATION_TABLES
                    else ""
                ),
            }
            for table in report.tables
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Statistics: the whole country"),
            "opts": self.opts,
            "form": form,
            "report": report,
            "tables": tables,
            "charts": chart_context(report.months),
        }
        return TemplateResponse(request, "admin/stats/national.html", context)

    def _table(self, request, table):
        self._check(request)
        _form, report = self._report(request)
        found = report.table(table)
        if found is None:
            raise Http404
        return found, report

    def csv_view(self, request, table):
        found, report = self._table(request, table)
        return csv_response(
            found, f"statistik-{table}-{report.start:%Y-%m-%d}-{report.end:%Y-%m-%d}"
        )

    def publication_view(self, request, table):
        if table not in PUBLICATION_TABLES:
            raise Http404
        found, report = self._table(request, table)
        return csv_response(
            found.suppressed(),
            f"statistik-{table}-publicering-{report.start:%Y-%m-%d}-{report.end:%Y-%m-%d}",
        )
