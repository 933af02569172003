"""Likely duplicates: one person with two accounts under two identifiers.

Two doors, one key (Borrower.name_key, kept by save(), indexed with the birth date):

- the create forms warn when the registrar's own library (main and branches)
  already has a borrower with the same names and birth date, or the same names
  on an LMA account (which has no birth date), and ask for a second *Spara*;
  nothing is ever said about other libraries' borrowers (`at_own_library`);
- MTM's admin lists pairs across the country with the same names and birth
  date (`country_pairs`); MTM merges a pair (borrowers/merge.py) or marks it
  `not_the_same_person`.
"""

from dataclasses import dataclass
from datetime import date
from functools import reduce
from itertools import combinations
from operator import or_

from django.db import transaction
from django.db.models import Count, Q

from .models import Borrower, IdKind, NotDuplicate, name_key


def at_own_library(
    registrar, *, first_name: str, last_name: str, birth_date: date | None, exclude=()
):
    """Borrowers of the registrar's library (visible_to: main and branches) who may be
    the person being registered: same names, and the same birth date or an LMA
    account; with no birth date (an LMA form), the same names are enough."""
    key = name_key(first_name, last_name)
    if not key:
        return Borrower.objects.none()
    same = Borrower.objects.visible_to(registrar).filter(name_key=key).exclude(pk__in=exclude)
    if birth_date is not None:
        same = same.filter(Q(birth_date=birth_date) | Q(id_kind=IdKind.LMA))
    return same.select_related("library").order_by("pk")


@dataclass
class Pair:
    first: Borrower
    second: Borrower


@dataclass
class PairPage:
    pairs: list[Pair]
    #: The pk to continue after (?efter=), None on the last page.
    next_after: int | None


def country_pairs(*, after: int | None = None, groups: int = 25) -> PairPage:
    """Pairs of accounts anywhere with the same names and birth date (their
    identifiers differ: each is unique), minus those marked not the same person,
    `groups` groups of look-alikes at a time in key order, after the group of the
    borrower `after`.

    Keyset pages, never a count: PostgreSQL walks borrower_name_key_idx in order
    and stops once it has found the groups of a page (a few thousand index entries
    at a million borrowers), then fetches their members by the same index."""
    # `> ''` and COUNT(*) keep it an index-only range scan of borrower_name_key_idx
    # (`<> ''` was a filter on every entry, COUNT(pk) a heap visit per entry).
    rows = Borrower.objects.filter(name_key__gt="", birth_date__isnull=False)
    if after is not None:
        last = Borrower.objects.filter(pk=after).values("name_key", "birth_date").first()
        if last is not None:
            rows = rows.filter(name_key__gte=last["name_key"]).exclude(
                name_key=last["name_key"], birth_date__lte=last["birth_date"]
            )
    keys = list(
        rows.values("name_key", "birth_date")
        .annotate(n=Count("*"))
        .filter(n__gt=1)
        .order_by("name_key", "birth_date")
        .values_list("name_key", "birth_date")[: groups + 1]
    )
    more, keys = len(keys) > groups, keys[:groups]
    if not keys:
        return PairPage([], None)
    members = (
        Borrower.objects.filter(reduce(or_, (Q(name_key=k, birth_date=d) for k, d in keys)))
        .select_related("library__parent")
        .order_by("name_key", "birth_date", "pk")
    )
    by_key: dict[tuple, list[Borrower]] = {}
    for borrower in members:
        by_key.setdefault((borrower.name_key, borrower.birth_date), []).append(borrower)
    dismissed = set(
        NotDuplicate.objects.filter(first__in=[b.pk for b in members]).values_list(
            "first_id", "second_id"
        )
    )
    pairs = [
        Pair(a, b)
        for key in keys
        for a, b in combinations(by_key.get(key, []), 2)
        if (a.pk, b.pk) not in dismissed
    ]
    last_group = by_key.get(keys[-1]) or [None]
    return PairPage(pairs, last_group[0].pk if more and last_group[0] else None)


def _locked_pair(first_pk: int, second_pk: int) -> tuple[Borrower, Borrower]:
    """Both accounts, locked, and still a pair (raises Borrower.DoesNotExist otherwise)."""
    rows = Borrower.objects.select_for_update().in_bulk([first_pk, second_pk])
    first, second = rows.get(first_pk), rows.get(second_pk)
    if (
        first is None
        or second is None
        or first_pk == second_pk
        or not first.name_key
        or (first.name_key, first.birth_date) != (second.name_key, second.birth_date)
    ):
        raise Borrower.DoesNotExist
    return first, second


def not_the_same_person(first_pk: int, second_pk: int, *, by) -> None:
    """MTM marks a pair *inte samma person*; it is not listed again."""
    low, high = sorted((first_pk, second_pk))
    with transaction.atomic():
        _locked_pair(low, high)
        NotDuplicate.objects.get_or_create(first_id=low, second_id=high, defaults={"marked_by": by})
