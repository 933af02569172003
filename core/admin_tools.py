"""Generic admin tools for the tables of a national registry: a paginator that never
counts a million rows, and a filter by a foreign key with an autocomplete instead of a
list of thousands. Used by the borrower, staff and audit admins (the floor: no app
imports here)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# --- Counting a million rows --------------------------------------------------------


class LargeTablePaginator(Paginator):
    """A paginator that never counts a whole large table.

    Django's admin counts the filtered queryset on every page (`SELECT COUNT(*)`),
    which on PostgreSQL reads every row: about a second at a million borrowers.
    Instead:

    - unfiltered, on PostgreSQL: the planner's estimate `pg_class.reltuples`
      (kept fresh by autovacuum's ANALYZE), when it is at least CAP;
    - otherwise: `COUNT(*)` over at most CAP rows (`SELECT COUNT(*) FROM (… LIMIT
      CAP)`), which stops early (a search: at SEARCH_CAP). A filter or search that
      matches more shows that many rows' pages; narrow it to reach the rest.

    The admin's own full count is switched off with `show_full_result_count = False`.
    The last page of an estimate may come out short or empty; that is the price.
    """

    CAP = 10_000
    #: A search's count stops sooner: a name shared by 55,000 borrowers is
    #: narrowed, not paged through, and counting 10,000 trigram hits was most of the page.
    SEARCH_CAP = 1_000

    def __init__(self, *args, searched=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = self.SEARCH_CAP if searched else self.CAP

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] >= self.CAP:
                return int(row[0])
        return queryset.order_by()[: self.cap].count()


# --- Filters ------------------------------------------------------------------------


class AutocompleteFilter(admin.ListFilter):
    """By a foreign key to a model with thousands of rows (2,000 libraries, many staff
    accounts): no list of them all, but the one chosen (from the URL, e.g. the link
    *Låntagare* on a library) and the admin's autocomplete to choose another.

    Subclasses name the foreign key (`field_name`) and the URL parameter.
    """

    field_name = ""
    parameter_name = ""
    template = "admin/autocomplete_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.field = model._meta.get_field(self.field_name)
        self.related_model = self.field.remote_field.model
        self.chosen = None
        self.hidden_params = []
        values = params.pop(self.parameter_name, None)
        if values:
            self.used_parameters = {self.parameter_name: values[-1]}
            try:
                self.chosen = self.related_model._default_manager.filter(pk=int(values[-1])).first()
            except ValueError:
                raise admin.options.IncorrectLookupParameters(values[-1]) from None
            if self.chosen is None:
                raise admin.options.IncorrectLookupParameters(values[-1])

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_name]

    def queryset(self, request, queryset):
        if self.chosen is None:
            return queryset
        return queryset.filter(**{self.field.attname: self.chosen.pk})

    def choices(self, changelist):
        self.hidden_params = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in (self.parameter_name, PAGE_VAR)
            for value in values
        ]
        yield {
            "selected": self.chosen is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
        }
        if self.chosen is not None:
            yield {
                "selected": True,
                "query_string": changelist.get_query_string({self.parameter_name: self.chosen.pk}),
                "display": str(self.chosen),
            }

    @property
    def widget_id(self) -> str:
        return f"{self.parameter_name}-filter"

    def widget(self) -> str:
        widget = AutocompleteSelect(self.field, admin.site)
        chosen = [self.chosen.pk] if self.chosen is not None else []
        widget.choices = forms.ModelChoiceField(
            queryset=self.related_model._default_manager.filter(pk__in=chosen)
        ).choices
        return widget.render(
            self.parameter_name,
            self.chosen.pk if self.chosen is not None else None,
            attrs={"id": self.widget_id},
        )

    @staticmethod
    def media():
        # The select2 scripts and styles are the same for every field.
        return AutocompleteSelect(None, admin.site).media


class LibraryFilter(AutocompleteFilter):
    title = _("library")
    field_name = "library"
    parameter_name = "library"
