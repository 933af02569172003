"""MTM's admin for the whole registry: borrowers (protected identities included),
user groups and the agreement text.

Every look at a borrower is audited like in the registrar UI: opening one
(VIEWED), searching (SEARCHED, an identity number only as a keyed hash), each
change with the names of the fields (UPDATED), a deletion (DELETED). Searches
are POSTed and remembered in the session, so identity numbers never appear in
URLs (SPEC §4), exactly as in *Sök användare*.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ShowFacets
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.log import record
from audit.models import Action
from core import languages
from core.admin_tools import AutocompleteFilter, LargeTablePaginator, LibraryFilter
from core.forms import refused_save_message

from .admin_duplicates import duplicates_view
from .admin_extend import ExpiringWithinFilter, extend_validity
from .admin_merge import can_merge, merge_url, merge_view
from .forms.admin import BorrowerAdminForm
from .forms.wiring import SAVE_REFUSED, registration_arguments
from .merge import merged_codes
from .models import AgreementText, AlreadyRegistered, Borrower, Service
from .policy import EXPIRY_NOTICE_DAYS
from .search import RememberedSearch, recall_search, run_search, search_borrowers

admin.site.site_title = _("MTM borrower registry")
admin.site.site_header = _("MTM borrower registry: administration")
admin.site.index_title = _("The whole registry")


class AgeFilter(admin.SimpleListFilter):
    title = _("age")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("adult", _("18 or older")),
            ("minor", _("under 18")),
            ("lma_adult", _("LMA card, 18 or older")),
            ("lma_minor", _("LMA card, under 18")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "adult":
                return queryset.adults(today)
            case "minor":
                return queryset.minors(today)
            case "lma_adult":
                return queryset.lma_adults()
            case "lma_minor":
                return queryset.lma_minors()
        return queryset


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [
            ("expired", _("Expired")),
            ("expiring", _("Expires within %(days)d days") % {"days": EXPIRY_NOTICE_DAYS}),
            ("valid", _("Valid")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "expired":
                return queryset.expired(today)
            case "expiring":
                return queryset.expiring_within(EXPIRY_NOTICE_DAYS, today)
            case "valid":
                return queryset.exclude(valid_until__lt=today)
        return queryset


# --- Searching without identity numbers in the URL -----------------------------------

#: The changelist URL carries a random key; the search stays in the session
#: (borrowers.search.remember_search: codes only for an identity number).
SEARCH_KEY_VAR = "sok"
SEARCH_SESSION_KEY = "admin_borrower_searches"
REMEMBERED_SEARCHES = 10


class BorrowerChangeList(ChangeList):
    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(SEARCH_KEY_VAR, None)
        return lookup_params

    def get_queryset(self, request, exclude_parameters=None):
        remembered = remembered_search(request)
        self.query = remembered.text if remembered else ""
        queryset = super().get_queryset(request, exclude_parameters)
        if remembered is not None and remembered.codes is not None:
            queryset = queryset.filter(code__in=remembered.codes)
        return queryset

    @property
    def search_action(self) -> str:
        """Where the search form posts: the current filters, without the old search."""
        return self.get_query_string(remove=[SEARCH_KEY_VAR])


def remembered_search(request) -> RememberedSearch | None:
    return recall_search(request.session, SEARCH_SESSION_KEY, request.GET.get(SEARCH_KEY_VAR, ""))


# --- Borrowers ----------------------------------------------------------------------


#: What the admin form can change, by field name (audited by name, never value): the
#: number's three columns, then the form's own model fields (services apart).
EDITABLE = [
    "identifier",
    "id_kind",
    "birth_date",
    *(name for name in BorrowerAdminForm.Meta.fields if name != "services"),
]


def changed_fields(borrower: Borrower, form) -> list[str]:
    """The names of the fields that will really change: the unsaved instance against
    the stored row (the form's changed_data also lists what its rules then overrode)."""
    columns = {name: Borrower._meta.get_field(name).attname for name in EDITABLE}
    stored = Borrower.objects.filter(pk=borrower.pk).values(*columns.values()).get()
    changed = [
        name for name, column in columns.items() if stored[column] != getattr(borrower, column)
    ]
    wanted = {service.pk for service in form.cleaned_data.get("services", [])}
    if wanted != set(borrower.services.values_list("pk", flat=True)):
        changed.append("services")
    return changed


# Registered by the roof (portal/admin.py), which adds what transfers and privacy bring.
class _RefusedRegistration:
    """The add form after the database refused its registration (a race): never
    valid again, so it is shown once more with everything typed. Its own checks
    usually name the account saved meanwhile; if not (gone again), a general error."""

    def clean(self):
        cleaned = super().clean()
        refused_save_message(self, SAVE_REFUSED, code="already_registered")
        return cleaned


class BorrowerAdmin(admin.ModelAdmin):
    form = BorrowerAdminForm
    list_display = [
        "name",
        "masked_identifier_column",
        "email",
        "library_link",
        "id_kind",
        "validity_status",
    ]
    list_display_links = ["name"]
    list_filter = [
        LibraryFilter,
        "library__county",
        "id_kind",
        AgeFilter,
        ValidityFilter,
        ExpiringWithinFilter,
        "protected_identity",
    ]
    list_select_related = ["library"]
    # The search is our own (get_search_results); a non-empty list shows the box.
    search_fields = ["email"]
    search_help_text = _(
        "Name, personal identity number, coordination number, LMA number (any writing) "
        "or e-mail address."
    )
    autocomplete_fields = ["library"]
    # Newest first: served by the primary key index at any size.
    ordering = ["-pk"]
    sortable_by = ["name", "library_link", "id_kind", "validity_status"]
    list_per_page = 50
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    paginator = LargeTablePaginator
    readonly_fields = [
        "code",
        "created_at",
        "created_by",
        "updated_at",
        "agreement_accepted_at",
        "agreement_accepted_by",
        "agreement_text",
        "password_status",
        "credentials_sent_at",
        "last_login",
    ]

    # --- lists ------------------------------------------------------------------------

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, borrower):
        return str(borrower)

    @admin.display(description=_("identifier"))
    def masked_identifier_column(self, borrower):
        # SECURITY: never the full number in a list (accessibility.md §4, security.md §9).
        return borrower.masked_identifier

    @admin.display(description=_("library"), ordering="library__name")
    def library_link(self, borrower):
        if borrower.library_id is None:
            return "–"
        return format_html(
            '<a href="?{}">{}</a>',
            urlencode({LibraryFilter.parameter_name: borrower.library_id}),
            borrower.library.name,
        )

    @admin.display(description=_("validity"), ordering="valid_until")
    def validity_status(self, borrower):
        today = timezone.localdate()
        if borrower.valid_until is None:
            return gettext("Until further notice")
        if borrower.is_expired(today):
            return gettext("Expired %(date)s") % {"date": f"{borrower.valid_until:%Y-%m-%d}"}
        return gettext("Valid until %(date)s") % {"date": f"{borrower.valid_until:%Y-%m-%d}"}

    @admin.display(description=_("password"))
    def password_status(self, borrower):
        # Nobody sees a password or its hash: only whether one works.
        return gettext("Set") if borrower.has_usable_password() else gettext("Not set")

    def get_changelist(self, request, **kwargs):
        return BorrowerChangeList

    @property
    def media(self):
        return super().media + AutocompleteFilter.media()

    actions = ["merge_two", "extend_validity"]

    @admin.action(
        description=_("Extend the validity of the chosen accounts"), permissions=["change"]
    )
    def extend_validity(self, request, queryset):
        return extend_validity(self, request, queryset)

    def has_merge_permission(self, request) -> bool:
        return self.has_change_permission(request) and can_merge(request)

    @admin.action(description=_("Merge the two chosen accounts"), permissions=["merge"])
    def merge_two(self, request, queryset):
        pks = sorted(queryset.values_list("pk", flat=True)[:3])
        if len(pks) != 2:
            messages.error(request, gettext("Choose exactly two borrowers to merge."))
            return None
        return HttpResponseRedirect(merge_url(*pks))

    def get_actions(self, request):
        actions = super().get_actions(request)
        # SECURITY: no bulk deletion of borrowers (security.md §7 Admin).
        actions.pop("delete_selected", None)
        return actions

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        duplicates = path(
            "dubbletter/",
            self.admin_site.admin_view(lambda request: duplicates_view(self, request)),
            name="{}_{}_duplicates".format(*info),
        )
        merge = path(
            "sla-ihop/<int:first>/<int:second>/",
            self.admin_site.admin_view(
                lambda request, first, second: merge_view(self, request, first, second)
            ),
            name="{}_{}_merge".format(*info),
        )
        return [duplicates, merge, *super().get_urls()]

    def get_paginator(self, request, queryset, per_page, **kwargs):
        searched = remembered_search(request) is not None
        return self.paginator(queryset, per_page, searched=searched, **kwargs)

    # --- searching --------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        if (request.method == "POST" and "_search" in request.POST) or SEARCH_VAR in request.GET:
            return self._start_search(request)
        if SEARCH_KEY_VAR in request.GET and remembered_search(request) is None:
            messages.info(request, gettext("The search has expired. Search again."))
            return self._redirect_with(request, remove=[SEARCH_KEY_VAR])
        return super().changelist_view(request, extra_context)

    def _start_search(self, request):
        """Audit the search and remember it; the URL gets only a random key."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        source = request.POST if request.method == "POST" else request.GET
        text = " ".join(source.get(SEARCH_VAR, "").split())[:200]
        if not text:
            return self._redirect_with(request, remove=[SEARCH_KEY_VAR])
        try:
            key = run_search(
                request,
                self.get_queryset(request),
                text,
                today=timezone.localdate(),
                session_key=SEARCH_SESSION_KEY,
                keep=REMEMBERED_SEARCHES,
                detail=lambda found: {"via": "admin"},
            )
        except forms.ValidationError as refused:
            messages.error(request, refused.messages[0])
            return self._redirect_with(request, remove=[SEARCH_KEY_VAR])
        return self._redirect_with(request, add={SEARCH_KEY_VAR: key})

    def _redirect_with(self, request, *, add=None, remove=()):
        params = request.GET.copy()
        for name in (SEARCH_VAR, PAGE_VAR, *remove):
            params.pop(name, None)
        for name, value in (add or {}).items():
            params[name] = value
        query = params.urlencode()
        return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        return search_borrowers(queryset, search_term, today=timezone.localdate()).results, False

    # --- one borrower ------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        identity = ["number", "email", "language", "valid_until", "services", "protected_identity"]
        if obj is None:
            identity += ["send_credentials", "agreement"]
        registration = [(_("Registration"), {"fields": self.readonly_fields})] if obj else []
        return [
            (None, {"fields": identity}),
            (
                _("Person and library"),
                {
                    "fields": [
                        "first_name",
                        "last_name",
                        "library",
                        "registered_as_minor",
                        "guardian_birth_date",
                        "guardian_name",
                    ],
                    "description": _("Not kept for a protected identity."),
                },
            ),
            *registration,
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            borrower = self.get_object(request, unquote(object_id))
            if borrower is not None and self.has_view_or_change_permission(request, borrower):
                record(Action.VIEWED, actor=request.user, borrower=borrower, via="admin")
        return super().change_view(request, object_id, form_url, extra_context)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        by = request.user
        if not change:
            self._register(request, obj, form)
            return
        changed = changed_fields(obj, form)
        if "protected_identity" in changed and obj.protected_identity:
            # SPEC §2: the account keeps no names, guardian data or library; the
            # registrars lose sight of it with this save.
            protected = set(obj.protect(by=by))
            others = [
                name
                for name in changed
                if name not in protected and name not in Borrower.PLACE_FIELDS
            ]
            if others:
                record(Action.UPDATED, actor=by, borrower=obj, fields=others, via="admin")
            return
        # The registrar's edit workflow on the stored row, with the values the form
        # put on `obj`: the same UPDATED event, naming only what really changed.
        stored = Borrower.objects.get(pk=obj.pk)
        stored.update_details(
            by=by,
            via="admin",
            services=form.cleaned_data.get("services"),
            **{name: getattr(obj, name) for name in EDITABLE},
        )

    def _register(self, request, obj, form):
        """Lägg till: the registrar's registration workflow (agreement, CREATED event,
        login details mail), then `obj` becomes the saved borrower for the admin."""
        data = form.cleaned_data
        registered = Borrower.objects.register(
            by=request.user,
            via="admin",
            **registration_arguments(
                data,
                identity=data["number"],
                minor=data["registered_as_minor"],
                library=data.get("library"),
            ),
        )
        obj.pk = registered.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except AlreadyRegistered:
            # Someone saved the same number or e-mail between this form's checks and
            # its save (nothing of this one was written): the add form again, as typed.
            # Checked anew it finds the other account and says so, like any taken one.
            request.registration_refused = True
            return super().add_view(request, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # The rules answer MTM as MTM (a protected identity's address is just taken).
        refused = getattr(request, "registration_refused", False)
        bases = (_RefusedRegistration, form) if refused else (form,)
        return type(form.__name__, bases, {"staff": request.user})

    # Django's own admin log (LogEntry) would keep the borrower's name after the
    # account is deleted; our audit log records every change instead, and the
    # change form's *Historik* shows it.
    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletion(self, request, obj, object_repr):
        return None

    def log_deletions(self, request, queryset):
        return None

    def history_view(self, request, object_id, extra_context=None):
        borrower = self.get_object(request, unquote(object_id))
        if borrower is None or not self.has_view_or_change_permission(request, borrower):
            raise Http404
        # An account merged into this one (borrowers/merge.py) is part of its history.
        codes = merged_codes(borrower.code)
        if len(codes) > 1:
            query = urlencode({"borrower_code__in": ",".join(codes)})
        else:
            query = urlencode({"borrower_code": borrower.code})
        return HttpResponseRedirect(f"{reverse('admin:audit_auditevent_changelist')}?{query}")

    def delete_model(self, request, obj):
        # The registrar's Radera kontot: DELETED in the audit log, queued mail gone.
        obj.delete_account(by=request.user)

    def delete_queryset(self, request, queryset):
        for borrower in queryset:
            borrower.delete_account(by=request.user)

    # --- moving to another library -------------------------------------------------------

    def _url_name(self, view: str) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"


# --- User groups and the agreement text ------------------------------------------------


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    """Publicerade användargrupper: MTM adds groups and (un)publishes them. No deletion:
    borrowers keep the groups they have."""

    list_display = ["name", "published", "position"]
    list_editable = ["published", "position"]
    actions = ["publish", "unpublish"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Publish the chosen user groups"), permissions=["change"])
    def publish(self, request, queryset):
        queryset.update(published=True)

    @admin.action(description=_("Unpublish the chosen user groups"), permissions=["change"])
    def unpublish(self, request, queryset):
        queryset.update(published=False)


@admin.register(AgreementText)
class AgreementTextAdmin(admin.ModelAdmin):
    """*Avtalstext*: one text per language and audience (an adult; a borrower under 18,
    whose guardian accepts it). Each change is a new version (a new row), so what a
    borrower agreed to stays on record; the newest of a language and audience is in force."""

    list_display = ["__str__", "language", "audience", "updated_at", "in_force"]
    list_filter = ["language", "audience"]
    fields = ["language", "audience", "text"]

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, agreement):
        current = AgreementText.current(
            agreement.language, minor=agreement.audience == AgreementText.Audience.MINOR
        )
        return current is not None and current.pk == agreement.pk

    def get_changeform_initial_data(self, request):
        # ?language=en&audience=minor (the list's filter) starts from that text in force.
        language = request.GET.get("language__exact") or request.GET.get("language")
        audience = request.GET.get("audience__exact") or request.GET.get("audience")
        current = AgreementText.current(language, minor=audience == AgreementText.Audience.MINOR)
        initial = {"language": languages.supported(language)}
        if audience in AgreementText.Audience.values:
            initial["audience"] = audience
        if current is not None:
            initial["text"] = current.text
        return initial

    def get_readonly_fields(self, request, obj=None):
        return ["language", "audience", "text", "updated_at"] if obj is not None else []

    def get_fields(self, request, obj=None):
        return [*self.fields, "updated_at"] if obj is not None else self.fields

    def has_change_permission(self, request, obj=None):
        # A new version instead of an edit: "Lägg till" starts from the text in force.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
