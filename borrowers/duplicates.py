"""Likely duplicates: one person with two accounts under two identifiers.

Two doors, one key (Borrower.name_key, kept by save(), indexed with the birth date):

- the create forms warn when the registrar's own library (main and branches)
  already has a borrower with the same names and birth date, or the same names
  on an LMA account (which has no birth date), and ask for a second *Spara*;
  nothing is ever said about other libraries' borrowers (`at_own_library`);
- MTM's admin lists pairs across the country with the same names and birth
  date (`country_pairs`) and resolves them (`keep_one`, `not_the_same_person`).
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Q

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


def _pairs_sql(select: str, tail: str = "") -> str:
    borrower = Borrower._meta.db_table
    dismissed = NotDuplicate._meta.db_table
    # Only table names from the models are interpolated; values are parameters.
    return f"""
        WITH groups AS (
            SELECT name_key, birth_date FROM {borrower}
            WHERE name_key <> '' AND birth_date IS NOT NULL
            GROUP BY name_key, birth_date HAVING COUNT(*) > 1
        )
        SELECT {select}
        FROM groups g
        JOIN {borrower} a ON a.name_key = g.name_key AND a.birth_date = g.birth_date
        JOIN {borrower} b ON b.name_key = g.name_key AND b.birth_date = g.birth_date
            AND a.id < b.id
        WHERE NOT EXISTS (
            SELECT 1 FROM {dismissed} d WHERE d.first_id = a.id AND d.second_id = b.id
        )
        {tail}
    """  # noqa: S608


def count_pairs() -> int:
    with connection.cursor() as cursor:
        cursor.execute(_pairs_sql("COUNT(*)"))
        return cursor.fetchone()[0]


def country_pairs(*, offset: int = 0, limit: int = 50) -> list[Pair]:
    """Pairs of accounts anywhere with the same names and birth date (their
    identifiers differ: each is unique), minus those marked not the same person."""
    with connection.cursor() as cursor:
        cursor.execute(
            _pairs_sql(
                "a.id, b.id", "ORDER BY a.name_key, a.birth_date, a.id, b.id LIMIT %s OFFSET %s"
            ),
            [limit, offset],
        )
        ids = cursor.fetchall()
    rows = Borrower.objects.select_related("library__parent").in_bulk(
        {pk for pair in ids for pk in pair}
    )
    return [Pair(rows[a], rows[b]) for a, b in ids]


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


def keep_one(*, keep: int, delete: int, by) -> Borrower:
    """MTM resolves a pair: `delete` goes through delete_account, its DELETED event
    naming the account kept. Returns the kept borrower."""
    with transaction.atomic():
        kept, other = _locked_pair(keep, delete)
        other.delete_account(by=by, duplicate_of=str(kept.code))
    return kept


def not_the_same_person(first_pk: int, second_pk: int, *, by) -> None:
    """MTM marks a pair *inte samma person*; it is not listed again."""
    low, high = sorted((first_pk, second_pk))
    with transaction.atomic():
        _locked_pair(low, high)
        NotDuplicate.objects.get_or_create(first_id=low, second_id=high, defaults={"marked_by": by})
