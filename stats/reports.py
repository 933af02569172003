"""The tables of the two statistics pages, built from counting.py's figures."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from borrowers.models import Borrower
from libraries.models import Library, LibraryType

from .counting import (
    CATEGORIES,
    MEASURES,
    SERIES,
    Month,
    add_up,
    borrower_figures,
    figure_key,
    monthly_series,
    published_services,
    registered_per_library,
    service_figures,
    snapshot_figures,
)
from .tables import Table

RANKING_SIZE = 20


def month_label(month: Month) -> str:
    return f"{month.first_day:%Y-%m}"


def monthly_table(months: list[Month], caption: str) -> Table:
    return Table(
        "per-manad",
        caption,
        [_("Month"), *[str(label) for _key, label in SERIES]],
        [(month_label(m), [m.figures[key] for key, _label in SERIES]) for m in months],
    )


def series_values(months: list[Month], key: str) -> tuple[list[str], list[int]]:
    return [month_label(m) for m in months], [m.figures[key] for m in months]


# --- a library -------------------------------------------------------------------------


@dataclass
class LibraryReport:
    libraries: list  # the main library first, then its branches
    selected: Library | None  # None: all of them together
    start: date
    end: date
    months: list = field(default_factory=list)
    tables: list = field(default_factory=list)

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.slug == slug), None)


def library_report(registrar, *, selected, start, end, today) -> LibraryReport:
    """The registrar's main library, each branch and the total; `selected` (one of
    them, or None for all) for the table of kinds and the monthly series."""
    libraries = sorted(
        registrar.library.with_branches(), key=lambda lib: (lib.parent_id is not None, lib.name)
    )
    borrowers = Borrower.objects.visible_to(registrar)
    figures = borrower_figures(borrowers, today)
    per_library = [(lib, figures.get(lib.pk, {})) for lib in libraries]
    total = add_up(row for _lib, row in per_library)
    chosen = figures.get(selected.pk, {}) if selected else total
    ids = {selected.pk} if selected else {lib.pk for lib in libraries}
    report = LibraryReport(libraries, selected, start, end)
    report.months = monthly_series(ids, start, end, today)
    services = published_services()
    service_counts = service_figures(borrowers, services)
    name = selected.name if selected else _("All libraries")

    count_columns = [str(c.label) for c in CATEGORIES]
    report.tables = [
        Table(
            "per-bibliotek",
            _("Borrowers per library"),
            [_("Library"), _("Sigel"), *count_columns],
            [
                (
                    lib.name,
                    [lib.sigel, *[row.get(figure_key(c.key, "count"), 0) for c in CATEGORIES]],
                )
                for lib, row in per_library
            ],
            (_("Total"), ["", *[total.get(figure_key(c.key, "count"), 0) for c in CATEGORIES]]),
        ),
        kinds_table(chosen, _("Borrowers now: %(name)s") % {"name": name}),
        Table(
            "anvandargrupper",
            _("Borrowers per user group"),
            [_("Library"), *[s.name for s in services]],
            [
                (lib.name, [service_counts.get(lib.pk, {}).get(s.pk, 0) for s in services])
                for lib in libraries
            ],
            (
                _("Total"),
                [
                    sum(service_counts.get(lib.pk, {}).get(s.pk, 0) for lib in libraries)
                    for s in services
                ],
            ),
        ),
        monthly_table(report.months, _("Per month: %(name)s") % {"name": name}),
    ]
    return report


def kinds_table(row: dict, caption: str) -> Table:
    """Rows: the kinds of borrower; columns: how many, and of these the measures."""
    return Table(
        "nu",
        caption,
        [_("Borrowers"), *[str(m.label) for m in MEASURES]],
        [
            (str(c.label), [row.get(figure_key(c.key, m.key), 0) for m in MEASURES])
            for c in CATEGORIES
        ],
    )


# --- the whole country (MTM) -------------------------------------------------------------


def municipality_key(library) -> tuple:
    """The municipality table's line: the municipality, or for a region's library
    its county's line of libraries without a municipality."""
    if library.municipality_id:
        return ("kommun", library.municipality_id)
    return ("lan", library.county_id)


#: The columns of the national tables per county, municipality and library type:
#: the figures a snapshot keeps, so that the page can read them from one.
NATIONAL_FIGURES = [
    *[(figure_key(c.key, "count"), c.label) for c in CATEGORIES],
    (figure_key("all", "samordningsnummer"), MEASURES[1].label),
    (figure_key("all", "expired"), MEASURES[2].label),
    (figure_key("all", "expiring"), MEASURES[3].label),
]


@dataclass
class NationalReport:
    start: date
    end: date
    snapshot_day: date | None = (
        None  # the borrowers now are this day's snapshot    months: list = field(default_factory=list)
    )
    tables: list = field(default_factory=list)

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.slug == slug), None)


def national_report(*, start, end, today) -> NationalReport:
    """Every library's figures added up per county, municipality and library type,
    protected identities as one national line of their own, and the rankings."""
    # Tonight's snapshot where it exists: one row per library instead of a pass over
    # every borrower. The protected identities' line is small and always counted now.
    figures = snapshot_figures(today)
    snapshot_day = today if figures is not None else None
    if figures is None:
        figures = borrower_figures(Borrower.objects.filter(protected_identity=False), today)
    protected = borrower_figures(Borrower.objects.filter(protected_identity=True), today)
    protected = protected.get(None, {})
    registered = registered_per_library(start, end, today)
    libraries = list(Library.objects.select_related("county", "municipality").order_by())
    for library in libraries:
        library.figures = {
            **figures.get(library.pk, {}),
            "registered": registered.get(library.pk, 0),
        }

    columns = [*NATIONAL_FIGURES, ("registered", _("New registrations in the range"))]

    def grouped(slug, caption, heading, key_of, name_of):
        groups = defaultdict(list)
        for library in libraries:
            groups[key_of(library)].append(library.figures)
        rows = sorted(((name_of(k), add_up(v)) for k, v in groups.items()), key=lambda r: r[0])
        everything = add_up(lib.figures for lib in libraries)
        return Table(
            slug,
            caption,
            [heading, *[str(label) for _key, label in columns]],
            [(name, [row.get(key, 0) for key, _label in columns]) for name, row in rows],
            (
                _("Total (without protected identities)"),
                [everything.get(key, 0) for key, _label in columns],
            ),
        )

    counties = {lib.county_id: lib.county.name for lib in libraries}
    # A region's library (a county, no municipality) is counted in its county, and in
    # the municipality table on a line of its own: no municipality is made up for it.
    municipalities = {
        municipality_key(lib): (
            f"{lib.municipality.name} ({lib.county.name})"
            if lib.municipality_id
            else _("No municipality (%(county)s)") % {"county": lib.county.name}
        )
        for lib in libraries
    }
    types = dict(LibraryType.choices)
    report = NationalReport(start, end, snapshot_day)
    report.months = monthly_series(None, start, end, today)

    def ranking(slug, caption, key, label):
        best = sorted(libraries, key=lambda lib: (-lib.figures.get(key, 0), lib.name))
        return Table(
            slug,
            caption,
            [_("Place"), _("Library"), _("Sigel"), _("County"), _("Municipality"), str(label)],
            [
                (
                    str(place),
                    [
                        lib.name,
                        lib.sigel,
                        lib.county.name,
                        lib.municipality_name,
                        lib.figures.get(key, 0),
                    ],
                )
                for place, lib in enumerate(best[:RANKING_SIZE], start=1)
            ],
        )

    all_count = figure_key("all", "count")
    report.tables = [
        grouped(
            "lan",
            _("Borrowers per county"),
            _("County"),
            lambda lib: lib.county_id,
            counties.get,
        ),
        Table(
            "skyddad-identitet",
            _("Protected identities (the whole country, in no library's figures)"),
            [_("Borrowers"), *[str(label) for _key, label in NATIONAL_FIGURES]],
            [(_("Protected identity"), [protected.get(key, 0) for key, _l in NATIONAL_FIGURES])],
        ),
        monthly_table(report.months, _("Per month: the whole country")),
        grouped(
            "bibliotekstyper",
            _("Borrowers per library type"),
            _("Library type"),
            lambda lib: lib.library_type,
            lambda key: str(types.get(key, key)),
        ),
        ranking(
            "flest-lantagare", _("Libraries with the most borrowers"), all_count, _("Borrowers")
        ),
        ranking(
            "flest-nya",
            _("Libraries with the most new registrations in the range"),
            "registered",
            _("New registrations"),
        ),
        grouped(
            "kommuner",
            _("Borrowers per municipality"),
            _("Municipality"),
            municipality_key,
            municipalities.get,
        ),
    ]
    return report


#: The tables MTM publishes: counts under 5 are shown as "färre än 5" in their export.
PUBLICATION_TABLES = ["lan", "kommuner"]
