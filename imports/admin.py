"""*Importera låntagare* in MTM's admin: upload a file for one library, see the dry
run's summary and report, confirm. Both runs happen in the worker (imports/tasks.py)
with the command's code; the page shows the progress."""

import csv
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from libraries.models import Library

from .models import ImportRun
from .tasks import run_import

#: At most this many report lines on the page; the CSV holds them all.
SHOWN_MESSAGES = 500


class ImportRunForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8, ; between the columns) or XLSX with the columns of the interchange format. "
            "Nothing is imported before you have seen the dry run and confirmed."
        ),
        error_messages={"required": _("Choose the file to import.")},
    )

    class Meta:
        model = ImportRun
        fields = ["library"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = Library.objects.filter(parent__isnull=True).exclude(
            sigel=""
        )
        self.fields["library"].help_text = _("The main library whose borrowers the file holds.")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    form = ImportRunForm
    list_display = ["file_name", "library", "status", "created_by", "created_at"]
    list_select_related = ["library", "created_by"]
    fields = ["library", "upload"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/bekrafta/", view(self.confirm_view), name="{}_{}_confirm".format(*info)),
            path("<int:pk>/rapport.csv", view(self.report_view), name="{}_{}_report".format(*info)),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["upload"]
        obj.file_name = upload.name[:255]
        obj.content = upload.read()
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        run_import.enqueue(obj.pk, False)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect(reverse("admin:imports_importrun_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun.objects.select_related("library"), pk=object_id)
        lines = list(csv.reader(io.StringIO(run.report.lstrip("\ufeff")), delimiter=";"))[1:]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import borrowers: %(file)s") % {"file": run.file_name},
            "run": run,
            "lines": lines[:SHOWN_MESSAGES],
            "more_lines": max(len(lines) - SHOWN_MESSAGES, 0),
            "can_confirm": run.status == ImportRun.Status.CHECKED
            and self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/imports/importrun/run.html", context)

    def confirm_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        claimed = ImportRun.objects.filter(pk=pk, status=ImportRun.Status.CHECKED).update(
            status=ImportRun.Status.IMPORTING
        )
        if claimed:
            run_import.enqueue(pk, True)
            messages.success(request, gettext("The import has started."))
        return redirect(reverse("admin:imports_importrun_change", args=[pk]))

    def report_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=pk)
        response = HttpResponse(run.report, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="importrapport.csv"'
        return response
