"""*Flytta alla låntagare* on a library's admin page (portal/admin.py adds this to
the library admin): choose *Till bibliotek*, confirm with the counts and options,
and the worker moves everyone (transfers/bulk.py); the progress is shown on the
library's page."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from borrowers.models import Borrower
from core.forms import PlainIdModelChoiceField
from libraries.models import Library

from . import bulk
from .models import LibraryMove, LibraryMoveStatus

MOVE_ALL_PERMISSION = "transfers.add_librarymove"


class MoveAllForm(forms.Form):
    to_library = PlainIdModelChoiceField(
        label=_("To library"),
        queryset=Library.objects.active(),
        error_messages={
            "required": _("Choose the library the borrowers move to."),
            "invalid_choice": _("Choose an active library from the list."),
        },
    )
    deactivate_staff = forms.BooleanField(
        label=_("Deactivate the library's staff accounts"), required=False
    )
    deactivate_library = forms.BooleanField(
        label=_("Deactivate the library when done"), required=False
    )

    def __init__(self, *args, library: Library, **kwargs):
        super().__init__(*args, **kwargs)
        self.library = library
        field = self.fields["to_library"]
        field.queryset = Library.objects.active().exclude(pk=library.pk)
        field.widget = AutocompleteSelect(Borrower._meta.get_field("library"), admin.site)
        field.widget.choices = field.choices
        if library.parent_id and "to_library" not in self.initial:
            # A branch: its main library is offered first.
            self.initial["to_library"] = library.parent_id


class MoveAllAdminMixin:
    """What transfers add to the library admin."""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "move_all"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Move all borrowers"), {"fields": ["move_all"]})]

    @admin.display(description=_("move all borrowers"))
    def move_all(self, library):
        job = LibraryMove.objects.filter(from_library=library).first()
        link = format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:libraries_library_move_all", args=[library.pk]),
            gettext("Move all borrowers"),
        )
        if job is None:
            return link
        progress = gettext("%(status)s: %(moved)s of %(total)s borrowers moved to %(library)s.") % {
            "status": job.get_status_display(),
            "moved": job.moved,
            "total": job.total,
            "library": job.to_library.name,
        }
        if job.status != LibraryMoveStatus.DONE:
            return format_html('<span role="status">{}</span>', progress)
        return format_html('<span role="status">{}</span> {}', progress, link)

    def get_urls(self):
        move = path(
            "<path:object_id>/flytta-alla/",
            self.admin_site.admin_view(self.move_all_view),
            name="libraries_library_move_all",
        )
        return [move, *super().get_urls()]

    def move_all_view(self, request, object_id):
        library = self.get_object(request, unquote(object_id))
        if library is None:
            raise Http404
        if not (
            self.has_change_permission(request, library)
            and request.user.has_perm(MOVE_ALL_PERMISSION)
            and request.user.has_perm("borrowers.change_borrower")
        ):
            raise PermissionDenied
        change_url = reverse("admin:libraries_library_change", args=[library.pk])
        running = LibraryMove.objects.filter(from_library=library).exclude(
            status=LibraryMoveStatus.DONE
        )
        if running.exists():
            messages.info(request, gettext("A move of this library's borrowers is under way."))
            return HttpResponseRedirect(change_url)
        form = MoveAllForm(request.POST or None, library=library)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Move all borrowers"),
            "subtitle": str(library),
            "opts": self.opts,
            "original": library,
            "form": form,
            "media": self.media + form.media,
            "change_url": change_url,
        }
        if request.method == "POST" and form.is_valid():
            if "confirm" in request.POST:
                bulk.start(
                    from_library=library,
                    to_library=form.cleaned_data["to_library"],
                    by=request.user,
                    deactivate_staff=form.cleaned_data["deactivate_staff"],
                    deactivate_library=form.cleaned_data["deactivate_library"],
                )
                messages.success(
                    request,
                    gettext("The borrowers are being moved. The progress is shown on this page."),
                )
                return HttpResponseRedirect(change_url)
            context.update(counts=bulk.counts(library), to_library=form.cleaned_data["to_library"])
            context["title"] = gettext("Move all borrowers?")
            return TemplateResponse(
                request, "admin/libraries/library/move_all_confirm.html", context
            )
        return TemplateResponse(request, "admin/libraries/library/move_all.html", context)
