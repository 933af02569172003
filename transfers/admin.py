from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from borrowers.models import Borrower
from core.forms import PlainIdModelChoiceField
from libraries.models import Library

from .models import TransferRefused, TransferRequest


class MoveForm(forms.Form):
    library = PlainIdModelChoiceField(
        label=_("New library"),
        queryset=Library.objects.active(),
        error_messages={
            "required": _("Choose the library the borrower moves to."),
            "invalid_choice": _("Choose an active library from the list."),
        },
    )

    def __init__(self, *args, borrower: Borrower, **kwargs):
        super().__init__(*args, **kwargs)
        self.borrower = borrower
        field = self.fields["library"]
        field.widget = AutocompleteSelect(Borrower._meta.get_field("library"), admin.site)
        field.widget.choices = field.choices

    def clean_library(self):
        library = self.cleaned_data["library"]
        if library.pk == self.borrower.library_id:
            raise forms.ValidationError(
                _("The borrower already belongs to %(library)s.") % {"library": library.name},
                code="same_library",
            )
        return library


class MoveByMtmAdminMixin:
    """What transfers add to the borrower admin (portal/admin.py): Flytta till
    bibliotek, MTM moving a borrower at once."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "move_url_name": self._url_name("move")}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        move = path(
            "<path:object_id>/flytta/",
            self.admin_site.admin_view(self.move_view),
            name="{}_{}_move".format(*info),
        )
        return [move, *super().get_urls()]

    def move_view(self, request, object_id):
        """MTM staff with change permission: Flytta till bibliotek, at once (the
        handbook's "contact MTM" cases), recorded like any transfer."""
        borrower = self.get_object(request, unquote(object_id))
        if borrower is None:
            raise Http404
        if not self.has_change_permission(request, borrower):
            raise PermissionDenied
        change_url = reverse(self._url_name("change"), args=[borrower.pk])
        if borrower.protected_identity:
            messages.error(request, gettext("A protected identity belongs to no library."))
            return HttpResponseRedirect(change_url)
        form = MoveForm(request.POST or None, borrower=borrower)
        if request.method == "POST" and form.is_valid():
            library = form.cleaned_data["library"]
            try:
                TransferRequest.move_by_mtm(borrower, to_library=library, by=request.user)
            except TransferRefused as error:
                # The borrower changed since this page was loaded (protected or moved).
                messages.error(request, " ".join(error.messages))
                return HttpResponseRedirect(change_url)
            messages.success(
                request,
                gettext("%(borrower)s now belongs to %(library)s. The borrower gets an e-mail.")
                % {"borrower": borrower, "library": library.name},
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Move to library"),
            "subtitle": str(borrower),
            "opts": self.opts,
            "original": borrower,
            "form": form,
            "media": self.media + form.media,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/borrowers/borrower/move.html", context)


@admin.register(TransferRequest)
class TransferRequestAdmin(admin.ModelAdmin):
    """Read-only: MTM sees every request and pull. MTM moves a borrower to another
    library with *Flytta till bibliotek* on the borrower's admin page."""

    list_display = [
        "requested_at",
        "borrower",
        "from_library",
        "to_library",
        "status",
        "pulled",
        "decided_at",
    ]
    list_filter = [
        "status",
        "pulled",
        ("to_library", admin.RelatedOnlyFieldListFilter),
        ("from_library", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["from_library__name", "to_library__name"]
    search_help_text = _("Search by the name of the library the borrower moves from or to.")
    list_select_related = ["borrower", "from_library", "to_library"]
    date_hierarchy = "requested_at"
    readonly_fields = [
        "code",
        "borrower",
        "from_library",
        "to_library",
        "requested_by",
        "requested_at",
        "status",
        "decided_by",
        "decided_at",
        "pulled",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
