"""The page of a scoped borrower list, read the cheap way (IdsFirstPaginator in
borrowers/views/manage.py takes its ids from here)."""

from django.db import connection
from django.db.models.expressions import RawSQL

from .models import BorrowerQuerySet


def ordered_ids(borrowers: BorrowerQuerySet, ordering, start: int, stop: int, *, merge_for=None):
    """The ids of rows start..stop of `borrowers` (already scoped) in `ordering`, as a
    subquery.

    `merge_for`, a registrar whose main library has branches, on PostgreSQL: one
    ordered range of the scope index per library, merged — UNION ALL of each
    library's first `stop` rows, then the page — so the database reads about `stop`
    index entries a library instead of sorting every borrower in scope for the page
    (docs/performance.md). A single library's range is in order already, and SQLite
    cannot order the parts of a UNION: one query then."""
    # SECURITY: the ids come from the scoped queryset; each part only narrows it.
    ordered = borrowers.order_by(*ordering)
    libraries = []
    if merge_for is not None and connection.features.supports_slicing_ordering_in_compound:
        libraries = list(merge_for.library.with_branches().values_list("pk", flat=True))
    if len(libraries) < 2:
        return ordered.values("pk")[start:stop]
    columns = [name.lstrip("-") for name in ordering]
    first, *others = (
        ordered.filter(library_id=pk).values_list(*columns)[:stop] for pk in libraries
    )
    merged = first.union(*others, all=True).order_by(*ordering)[start:stop]
    # The ORM cannot select one column of a compound query, so it is wrapped: the
    # SQL is Django's own, with its parameters kept apart, and nothing else goes in.
    sql, params = merged.query.get_compiler(using=merged.db).as_sql()
    return RawSQL(f'SELECT page."pk" FROM ({sql}) AS page', params)  # noqa: S608,S611
