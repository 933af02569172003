"""Finding and managing borrowers: search, lists, borrower page, edit.

Every view takes its borrowers from borrowers_for / get_borrower (views/common.py):
outside the registrar's main library and its branches everything is 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property, lazy
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import registrar_required
from accounts.models import StaffUser
from audit.log import record
from audit.models import Action
from borrowers.forms.manage import BorrowerEditForm, BorrowerPasswordForm, SearchForm
from borrowers.models import Borrower
from borrowers.paging import ordered_ids
from borrowers.policy import EXPIRY_NOTICE_DAYS
from borrowers.search import recall_search, run_search
from core.forms import refused_save_message

from .common import borrowers_for, get_borrower

PAGE_SIZE = 50
#: How many recent searches a session remembers for paging through their results.
REMEMBERED_SEARCHES = 5
SEARCH_SESSION_KEY = "borrower_searches"
PAGE_PARAMETER = "sida"
#: Sök användare counts its hits up to this many: past it the page says "more than"
#: and pages through these, instead of counting a common name in full on every page.
SEARCH_COUNT_CAP = 500


# --- the Visa lists -------------------------------------------------------------


def _expiring_title() -> str:
    return _("Accounts that expire within %(days)d days") % {"days": EXPIRY_NOTICE_DAYS}


@dataclass(frozen=True)
class BorrowerList:
    title: str
    select: Callable  # (borrowers, registrar, today) -> QuerySet
    related: tuple[str, ...] = ()  # read with each row of a page


def _main(borrowers, registrar):
    return borrowers.at_main_library(registrar.library)


#: slug -> list, in the order of the menu *Visa* (SPEC §3; templates/borrowers/_menu_lists.html);
#: the last one is linked from the start page.
LISTS: dict[str, BorrowerList] = {
    "samtliga": BorrowerList(
        gettext_lazy("All borrowers"),
        lambda b, r, today: b,
    ),
    "huvudbiblioteket": BorrowerList(
        gettext_lazy("All borrowers of the main library"),
        lambda b, r, today: _main(b, r),
    ),
    "vuxna": BorrowerList(
        gettext_lazy("Adult borrowers"),
        lambda b, r, today: b.adults(today),
    ),
    "huvudbiblioteket-vuxna": BorrowerList(
        gettext_lazy("Adult borrowers of the main library"),
        lambda b, r, today: _main(b, r).adults(today),
    ),
    "under-18": BorrowerList(
        gettext_lazy("Borrowers under 18"),
        lambda b, r, today: b.minors(today),
    ),
    "huvudbiblioteket-under-18": BorrowerList(
        gettext_lazy("Borrowers under 18 of the main library"),
        lambda b, r, today: _main(b, r).minors(today),
    ),
    "vuxna-lma": BorrowerList(
        gettext_lazy("Adult borrowers with an LMA card"),
        lambda b, r, today: b.lma_adults(),
    ),
    "under-18-lma": BorrowerList(
        gettext_lazy("Borrowers under 18 with an LMA card"),
        lambda b, r, today: b.lma_minors(),
    ),
    "alla-anvandare": BorrowerList(
        gettext_lazy("All users"),
        lambda b, r, today: b,
    ),
    "gar-ut": BorrowerList(
        lazy(_expiring_title, str)(),
        lambda b, r, today: b.expiring_within(EXPIRY_NOTICE_DAYS, today),
    ),
    # The retention rule's warning period (privacy/retention.py), with the day each goes.
    "tas-bort": BorrowerList(
        gettext_lazy("Expired accounts that will be deleted"),
        lambda b, r, today: b.filter(deletion_notice__valid_until=F("valid_until")),
        related=("deletion_notice",),
    ),
}


ORDERING = ("last_name", "first_name", "pk")


class IdsFirstPaginator(Paginator):
    """Pages by ids first: the page query selects the page's ids in a subquery and
    only then reads those rows (a "deferred join"). The id subquery is answered from
    the covering index of migration 0003 (an index-only scan), so a page of a large
    library reads 50 table rows instead of every borrower in scope (docs/performance.md).
    Still one count query and one page query (and, where a page is merged from several
    libraries, borrowers/paging.py, one for their ids)."""

    def __init__(self, *args, related=(), cap=None, merge_for=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.related = related
        self.cap = cap
        self.capped = False
        self.merge_for = merge_for  # the registrar whose libraries' pages merge (paging.py)

    @cached_property
    def count(self):
        """With a cap, the count stops there (`capped` says whether there were more):
        only the first `cap` rows can be paged through."""
        if self.cap is None:
            return super().count
        found = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom > self.count - top and not self.capped:
            # Nearer the end: the same ids counted from the end, so that the database
            # keeps only the rows after this page instead of sorting all before it.
            backwards = [f"-{name}" for name in ORDERING]
            ids = self._ids(backwards, self.count - top, self.count - bottom)
        else:
            ids = self._ids(ORDERING, bottom, top)
        rows = (
            Borrower.objects.filter(pk__in=ids)
            .select_related("library", *self.related)
            .only(*TABLE_COLUMNS, *(f"{name}__delete_on" for name in self.related))
            .order_by(*ORDERING)
        )
        return self._get_page(rows, number, self)

    def _ids(self, ordering, start, stop):
        # Merging per library pays only for a list of more than one page.
        merge_for = self.merge_for if self.count > self.per_page else None
        return ordered_ids(self.object_list, ordering, start, stop, merge_for=merge_for)


#: What a row of borrowers/_table.html shows: only these columns are read.
TABLE_COLUMNS = (
    "code",
    "first_name",
    "last_name",
    "email",
    "id_kind",
    "identifier",
    "valid_until",
    "library",
    "library__name",
)
#: Any code: the borrower page's URL is reversed once per page with it, then each
#: row's link is that URL with the row's code put in.
_ANY_CODE = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row of borrowers/_table.html, rendered in Python once per page: a page of 50
    rows through the template language was most of a list's time (a node, a variable
    lookup and an escape per cell, a URL reversed per row; docs/performance.md)."""

    code: UUID
    html: str  # the <tr>, escaped


def table_rows(borrowers, today, *, notices=False) -> list[TableRow]:
    """`notices`: the deletion notices were read with the rows (Visa … tas bort),
    and the row has their column."""
    detail = reverse("borrowers:detail", args=[_ANY_CODE])
    expired = format_html(' <span class="badge-expired">{}</span>', _("Expired"))
    until_further_notice = _("Until further notice")
    rows = []
    for borrower in borrowers:
        valid = until_further_notice
        if borrower.valid_until:
            late = expired if borrower.valid_until < today else ""
            valid = format_html("{}{}", borrower.valid_until.isoformat(), late)
        deletion = ""
        if notices:
            notice = getattr(borrower, "deletion_notice", None)
            deletion = format_html("\n        <td>{}</td>", notice.delete_on if notice else "")
        name = (
            f"{borrower.last_name}, {borrower.first_name}"
            if borrower.last_name or borrower.first_name
            else borrower.email
        )
        html = format_html(
            ROW,
            url=detail.replace(_ANY_CODE, str(borrower.code)),
            name=name,
            identifier=borrower.display_identifier,
            email=borrower.email,
            library=borrower.library.name if borrower.library else "",
            valid=valid,
            deletion=deletion,
        )
        rows.append(TableRow(borrower.code, html))
    return rows


ROW = """
      <tr>
        <th scope="row"><a href="{url}">{name}</a></th>
        <td>{identifier}</td>
        <td>{email}</td>
        <td>{library}</td>
        <td>{valid}</td>{deletion}
      </tr>"""


def _page(request, queryset, today, related=(), cap=None, merge=False):
    """One page of borrowers sorted by last name, as table rows: a count query and a
    page query (with `merge`, also the scope's libraries: borrowers/paging.py)."""
    queryset = queryset.order_by(*ORDERING)
    paginator = IdsFirstPaginator(
        queryset, PAGE_SIZE, related=related, cap=cap, merge_for=request.user if merge else None
    )
    page = paginator.get_page(request.GET.get(PAGE_PARAMETER))
    page.object_list = table_rows(page.object_list, today, notices="deletion_notice" in related)
    return page


@registrar_required
@require_GET
def borrower_list(request, list_name):
    """Registrars and head administrators: one of the Visa lists, counted and paginated."""
    spec = LISTS.get(list_name)
    if spec is None:
        raise Http404
    today = timezone.localdate()
    borrowers = spec.select(borrowers_for(request), request.user, today)
    page = _page(request, borrowers, today, spec.related, merge=True)
    record(
        Action.LISTED,
        actor=request.user,
        library=request.user.library,
        list=list_name,
        count=page.paginator.count,
        page=page.number,
    )
    staff = None
    if list_name == "alla-anvandare" and request.user.is_head_admin:
        # Visa alla användare: the library's accounts of every kind. Staff accounts
        # are shown only to head administrators, as in their Visa staff lists.
        staff = list(StaffUser.objects.at_library(request.user.library))
    return render(
        request,
        "borrowers/list.html",
        {
            "title": spec.title,
            "list_name": list_name,
            "page": page,
            "staff": staff,
            "today": today,
            "page_query": "",
            "deletion_column": list_name == "tas-bort",
        },
    )


# --- Sök användare ------------------------------------------------------------


def _hits(results) -> dict:
    """The audit event's count of a search's hits, stopping at the cap."""
    found = results.order_by()[: SEARCH_COUNT_CAP + 1].count()
    if found > SEARCH_COUNT_CAP:
        return {"hits": SEARCH_COUNT_CAP, "more": True}
    return {"hits": found}


@sensitive_post_parameters("q")  # SECURITY: often an identity number; masked in error reports
@registrar_required
@require_http_methods(["GET", "POST"])
def search(request):
    """Registrars and head administrators: Sök användare.

    The query arrives only by POST; a GET shows the results of a search
    remembered in the session (?r=<random key>), never a query from the URL.
    """
    today = timezone.localdate()
    if request.method == "POST":
        form = SearchForm(request.POST)
        if form.is_valid():
            try:
                key = run_search(
                    request,
                    borrowers_for(request),
                    form.cleaned_data["q"],
                    today=today,
                    session_key=SEARCH_SESSION_KEY,
                    keep=REMEMBERED_SEARCHES,
                    detail=lambda found: {
                        "library": request.user.library,
                        **_hits(found.results),
                    },
                )
            except ValidationError as refused:
                form.add_error("q", refused)
                return render(
                    request, "borrowers/search.html", {"form": form, "page": None}, status=429
                )
            return redirect(f"{reverse('borrowers:search')}?{urlencode({'r': key})}")
        return render(request, "borrowers/search.html", {"form": form, "page": None})

    key = request.GET.get("r", "")
    remembered = recall_search(request.session, SEARCH_SESSION_KEY, key)
    if remembered is None:
        return render(request, "borrowers/search.html", {"form": SearchForm(), "page": None})
    results = remembered.results(borrowers_for(request), today=today)
    return render(
        request,
        "borrowers/search.html",
        {
            "form": SearchForm(initial={"q": remembered.text}),
            "page": _page(request, results, today, cap=SEARCH_COUNT_CAP),
            "cap": SEARCH_COUNT_CAP,
            "today": today,
            "page_query": urlencode({"r": key}) + "&",
        },
    )


# --- one borrower -------------------------------------------------------------


@registrar_required
def detail(request, code):
    """Registrars and head administrators: the borrower page, with the full identifier."""
    borrower = get_borrower(request, code)
    # SECURITY: the lookup comes first, so that any method answers 404 outside the library.
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    today = timezone.localdate()
    record(Action.VIEWED, actor=request.user, borrower=borrower)
    return render(
        request,
        "borrowers/detail.html",
        {
            "borrower": borrower,
            "services": list(borrower.services.all()),
            "is_adult": borrower.is_adult(today),
            "is_expired": borrower.is_expired(today),
        },
    )


@sensitive_post_parameters("identifier")  # SECURITY: masked in error reports
@registrar_required
@require_http_methods(["GET", "POST"])
def edit(request, code):
    """Registrars and head administrators: Redigera låntagare, with Radera kontot at the bottom."""
    borrower = get_borrower(request, code)
    today = timezone.localdate()
    form = BorrowerEditForm(borrower=borrower, registrar=request.user, today=today)
    if request.method == "POST":
        form = BorrowerEditForm(
            request.POST, borrower=borrower, registrar=request.user, today=today
        )
        if form.is_valid():
            try:
                with transaction.atomic():
                    changed = borrower.update_details(by=request.user, **form.changes())
            except IntegrityError:
                # Someone took the e-mail address or number in the meantime.
                refused_save_message(
                    form,
                    gettext_lazy(
                        "The e-mail address or the number was just taken by another account. "
                        "Check them and save again."
                    ),
                )
            else:
                if changed:
                    messages.success(request, _("The borrower's details have been saved."))
                else:
                    messages.success(request, _("Nothing was changed."))
                return redirect("borrowers:detail", code=borrower.code)
    return render(request, "borrowers/edit.html", {"borrower": borrower, "form": form})


@sensitive_post_parameters("new_password1", "new_password2")
@registrar_required
@require_http_methods(["GET", "POST"])
def password(request, code):
    """Registrars and head administrators: Byt lösenord. No mail is sent."""
    borrower = get_borrower(request, code)
    form = BorrowerPasswordForm(borrower=borrower)
    if request.method == "POST":
        form = BorrowerPasswordForm(request.POST, borrower=borrower)
        if form.is_valid():
            borrower.set_password_by_registrar(form.cleaned_data["new_password1"], by=request.user)
            messages.success(
                request,
                _(
                    "The new password has been saved. No e-mail is sent: remember to tell the "
                    "borrower the new password."
                ),
            )
            return redirect("borrowers:detail", code=borrower.code)
    return render(request, "borrowers/password.html", {"borrower": borrower, "form": form})


@registrar_required
@require_http_methods(["GET", "POST"])
def delete(request, code):
    """Registrars and head administrators: Radera kontot, after a confirmation page."""
    borrower = get_borrower(request, code)
    if request.method == "POST":
        name = borrower.full_name or borrower.email
        borrower.delete_account(by=request.user)
        messages.success(request, _("The account of %(name)s has been deleted.") % {"name": name})
        return redirect("libraries:my_library")
    return render(request, "borrowers/delete.html", {"borrower": borrower})


urlpatterns = [
    path("sok/", search, name="search"),
    path("lista/<slug:list_name>/", borrower_list, name="list"),
    path("<uuid:code>/", detail, name="detail"),
    path("<uuid:code>/redigera/", edit, name="edit"),
    path("<uuid:code>/losenord/", password, name="password"),
    path("<uuid:code>/radera/", delete, name="delete"),
]
