"""Bibliotekssökning, the one library search of the registrar's transfer, Mina sidor's
Byt bibliotek and the public application for an account."""

from crispy_forms.layout import Layout
from django import forms
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

from core.forms import Form

from .models import Library

SEARCH_PAGE_SIZE = 20


class LibrarySearchForm(Form):
    """Bibliotekssökning: a whole or partial library name, or a sigel (not personal
    data, so GET)."""

    q = forms.CharField(
        label=_("Library name or sigel"),
        help_text=_(
            "The whole name or a part of it, or the library's sigel, for example Sundbyberg."
        ),
        max_length=200,
        error_messages={
            "required": _("Enter the whole or a part of the library's name."),
            "max_length": _("The name can be at most 200 characters long."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"autocomplete": "off", "type": "search"})

    def layout(self) -> Layout:
        return Layout("q")

    def clean_q(self):
        text = " ".join(self.cleaned_data["q"].split())
        if not text:
            raise forms.ValidationError(self.fields["q"].error_messages["required"], "required")
        return text


def search_libraries(
    request, *, excluding: int | None = None, among=None
) -> tuple[LibrarySearchForm, Page | None]:
    """The search form (bound once ?q= is in the address) and, when it is valid, the
    page (?sida=) of the libraries whose name or sigel matches, `excluding` one (the
    borrower's own library). `among`: the libraries to search (the active ones unless
    given)."""
    form = LibrarySearchForm(request.GET if "q" in request.GET else None)
    if not form.is_valid():
        return form, None
    libraries = (
        (Library.objects.active() if among is None else among)
        .search(form.cleaned_data["q"])
        .select_related("county", "municipality", "parent")
        .order_by("name", "pk")
    )
    if excluding is not None:
        libraries = libraries.exclude(pk=excluding)
    return form, Paginator(libraries, SEARCH_PAGE_SIZE).get_page(request.GET.get("sida"))
