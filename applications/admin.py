"""MTM decides applications in the admin.

Applications are read-only records; the decision is made on a page of its own
(Godkänn / Avslå with a reason), or for several at once with the list's actions.
Each decision runs in its own transaction (the model's approve/reject): who
decided and when is recorded, and the mail is queued with it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    AccountApplication,
    BranchApplication,
    DecisionRefused,
    Status,
    StudentApplication,
)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        help_text=_("Sent to the applicant by e-mail. Write it in plain Swedish."),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        error_messages={"required": _("Give a reason: it is sent to the applicant.")},
    )


class DecisionAdmin(admin.ModelAdmin):
    """What the two application admins share: read-only records and the decisions."""

    list_filter = ["status"]
    date_hierarchy = "created_at"
    actions = ["approve_selected", "reject_selected"]
    decision_fields = ["status", "created_at", "decided_by", "decided_at", "rejection_reason"]

    # --- read-only records -------------------------------------------------------------

    def has_add_permission(self, request):
        return False  # applications come from the forms

    def has_change_permission(self, request, obj=None):
        return False  # nothing is edited; decisions go through the decision page

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who decided what stays

    def has_decide_permission(self, request, obj=None):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    # --- the decision page -------------------------------------------------------------

    def _url_name(self, view: str) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/beslut/",
                self.admin_site.admin_view(self.decide_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_decide",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("decision"))
    def decide_link(self, obj):
        if obj.status != Status.PENDING:
            return obj.get_status_display()
        return format_html(
            '<a href="{}">{}</a>',
            reverse(self._url_name("decide"), args=[obj.pk]),
            gettext("Decide"),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "decide_url": reverse(self._url_name("decide"), args=[object_id]),
            "has_decide_permission": self.has_decide_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, object_id):
        """MTM staff with change permission: approve, or reject with a reason."""
        application = self.get_object(request, unquote(object_id))
        if application is None:
            raise Http404
        if not self.has_decide_permission(request, application):
            raise PermissionDenied
        change_url = reverse(self._url_name("change"), args=[application.pk])
        reject_form = RejectForm()
        if request.method == "POST" and application.is_pending:
            if "approve" in request.POST:
                if self._decide(request, application, approve=True):
                    return HttpResponseRedirect(reverse(self._url_name("changelist")))
            elif "reject" in request.POST:
                reject_form = RejectForm(request.POST)
                if reject_form.is_valid() and self._decide(
                    request, application, reason=reject_form.cleaned_data["reason"]
                ):
                    return HttpResponseRedirect(reverse(self._url_name("changelist")))
            application = self.get_object(request, unquote(object_id))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Decide the application"),
            "subtitle": str(application),
            "opts": self.opts,
            "original": application,
            "summary": self.summary(application),
            "warnings": self.warnings(application),
            "reject_form": reject_form,
            "change_url": change_url,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/applications/decide.html", context)

    def _decide(self, request, application, *, approve=False, reason="") -> bool:
        try:
            if approve:
                application.approve(by=request.user)
            else:
                application.reject(by=request.user, reason=reason)
        except DecisionRefused as refused:
            messages.error(request, f"{application}: {refused}")
            return False
        messages.success(request, self.decided_message(application, approved=approve))
        return True

    # --- actions on the list -----------------------------------------------------------

    @admin.action(description=_("Approve the chosen applications"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        done = 0
        for application in queryset.filter(status=Status.PENDING):
            done += self._decide(request, application, approve=True)
        if not done and not queryset.filter(status=Status.PENDING).exists():
            messages.warning(request, gettext("None of the chosen applications is pending."))

    @admin.action(description=_("Reject the chosen applications…"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        """An intermediate page asks for the reason, mailed to each applicant."""
        pending = queryset.filter(status=Status.PENDING)
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = sum(
                self._decide(request, application, reason=form.cleaned_data["reason"])
                for application in pending
            )
            if not done:
                messages.warning(request, gettext("None of the chosen applications is pending."))
            return None
        if not pending.exists():
            messages.warning(request, gettext("None of the chosen applications is pending."))
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reject applications"),
            "opts": self.opts,
            "applications": pending,
            "reject_form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/applications/reject_selected.html", context)


@admin.register(AccountApplication)
class AccountApplicationAdmin(DecisionAdmin):
    list_display = [
        "created_at",
        "full_name",
        "email",
        "email_in_use_flag",
        "library",
        "role",
        "decide_link",
    ]
    list_display_links = ["created_at", "full_name"]
    list_filter = ["status", "role"]
    search_fields = ["first_name", "last_name", "email", "library__name"]
    search_help_text = _("Search by name, e-mail or library.")
    list_select_related = ["library"]
    fields = [
        "first_name",
        "last_name",
        "email",
        "email_in_use_flag",
        "phone",
        "library",
        "main_library",
        "role",
        "works_at_library",
        "course_taken",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "rejection_reason",
        "account",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_email_in_use()

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("e-mail already has an account"), boolean=True)
    def email_in_use_flag(self, obj):
        return obj.email_in_use

    @admin.display(description=_("the account's main library"))
    def main_library(self, obj):
        return obj.library.main_library

    def summary(self, obj):
        return [
            (gettext("Name"), obj.full_name),
            (gettext("E-mail"), obj.email),
            (gettext("Phone"), obj.phone),
            (gettext("Library"), obj.library.name),
            (gettext("Sigel"), obj.library.sigel or "–"),
            (gettext("The account's main library"), obj.library.main_library.name),
            (gettext("Role"), obj.get_role_display()),
            (
                gettext("Works at the library"),
                gettext("Yes") if obj.works_at_library else gettext("No"),
            ),
            (
                gettext("Has taken MTM's registrar course"),
                gettext("Yes") if obj.course_taken else gettext("No"),
            ),
            (gettext("Received"), obj.created_at),
        ]

    def warnings(self, obj):
        found = []
        if obj.email_in_use:
            found.append(
                gettext(
                    "Another staff account already uses this e-mail address: approval is "
                    "refused. Someone may be applying in another person's name."
                )
            )
        if not obj.library.active or not obj.library.main_library.active:
            found.append(
                gettext(
                    "The library is not active in the registry (a library of "
                    "Biblioteksdatabasen not yet connected, or a closed one): approval "
                    "makes it active."
                )
            )
        return found

    def decided_message(self, obj, *, approved):
        if approved:
            return gettext(
                "%(name)s now has an account at %(library)s and gets an e-mail with a link to "
                "choose a password."
            ) % {"name": obj.full_name, "library": obj.library.main_library.name}
        return gettext(
            "The application from %(name)s is rejected; the reason is on its way by e-mail."
        ) % {"name": obj.full_name}


@admin.register(BranchApplication)
class BranchApplicationAdmin(DecisionAdmin):
    list_display = ["created_at", "name", "library", "municipality", "applied_by", "decide_link"]
    list_display_links = ["created_at", "name"]
    search_fields = ["name", "library__name", "city"]
    search_help_text = _("Search by the branch's name, its main library or city.")
    list_select_related = ["library", "municipality", "applied_by"]
    fields = [
        "library",
        "applied_by",
        "name",
        "street_address",
        "postal_code",
        "city",
        "municipality",
        "contact_name",
        "contact_email",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "rejection_reason",
        "branch",
    ]

    def summary(self, obj):
        return [
            (gettext("Main library"), obj.library.name),
            (gettext("Applied by"), f"{obj.applied_by} <{obj.applied_by.email}>"),
            (gettext("The branch's name"), obj.name),
            (gettext("Street address"), obj.street_address),
            (gettext("Postal code"), obj.postal_code),
            (gettext("City"), obj.city),
            (gettext("Municipality"), obj.municipality.name),
            (gettext("Talking-book contact"), obj.contact_name or "–"),
            (gettext("Talking-book contact's e-mail"), obj.contact_email or "–"),
            (gettext("Received"), obj.created_at),
        ]

    def warnings(self, obj):
        if obj.library.branches.filter(name__iexact=obj.name).exists():
            return [gettext("The library already has a branch with this name.")]
        return []

    def decided_message(self, obj, *, approved):
        if approved:
            return gettext(
                "%(branch)s is now a branch of %(library)s; an e-mail about it is on its way to the head "
                "administrator."
            ) % {"branch": obj.name, "library": obj.library.name}
        return gettext(
            "The application for %(branch)s is rejected; the reason is on its way by e-mail."
        ) % {"branch": obj.name}


@admin.register(StudentApplication)
class StudentApplicationAdmin(DecisionAdmin):
    """Student utan svenskt personnummer: approval creates the borrower with an MTM
    temporary number, valid until the expected end of studies."""

    list_display = ["created_at", "full_name", "library", "studies_end", "decide_link"]
    list_display_links = ["created_at", "full_name"]
    search_fields = ["first_name", "last_name", "email", "library__name"]
    search_help_text = _("Search by name, e-mail or library.")
    list_select_related = ["library", "applied_by"]
    fields = [
        "library",
        "applied_by",
        "first_name",
        "last_name",
        "email",
        "birth_date",
        "home_number",
        "studies_end",
        "services",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "rejection_reason",
        "borrower",
    ]

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name

    def summary(self, obj):
        return [
            (gettext("Library"), obj.library.name),
            (gettext("Applied by"), f"{obj.applied_by} <{obj.applied_by.email}>"),
            (gettext("Name"), obj.full_name),
            (gettext("E-mail"), obj.email),
            (gettext("Date of birth"), f"{obj.birth_date:%Y-%m-%d}"),
            (gettext("Last digits from the home country"), obj.home_number or "–"),
            (gettext("Expected end of studies"), f"{obj.studies_end:%Y-%m-%d}"),
            (
                gettext("User groups"),
                ", ".join(s.name for s in obj.services.all()) or "–",
            ),
            (gettext("Received"), obj.created_at),
        ]

    def warnings(self, obj):
        from borrowers.models import Borrower

        if Borrower.objects.with_email(obj.email).exists():
            return [
                gettext("Another borrower already uses this e-mail address: approval is refused.")
            ]
        return []

    def decided_message(self, obj, *, approved):
        if approved:
            return gettext(
                "%(name)s now has an account at %(library)s with the temporary number "
                "%(number)s, and gets an e-mail with the login details."
            ) % {
                "name": obj.full_name,
                "library": obj.library.name,
                "number": obj.borrower.display_identifier,
            }
        return gettext("The application for %(name)s is rejected; the reason has been mailed.") % {
            "name": obj.full_name
        }
