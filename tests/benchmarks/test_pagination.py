"""The lists page by ids first (borrowers/views/manage.py, IdsFirstPaginator, for the
covering index): every page holds exactly the borrowers the plain paginator would
show, in the same order, reading pages near the end backwards included."""

import pytest
from django.core.paginator import Paginator

from borrowers.models import Borrower
from borrowers.views.manage import ORDERING, IdsFirstPaginator
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.django_db


def test_every_page_matches_the_plain_paginator(library_a, branch_a, library_b):
    for n in range(23):
        # Repeated last and first names: the pk decides between equals.
        BorrowerFactory(
            library=branch_a if n % 3 else library_a,
            last_name=["Ek", "Åberg", "Andersson"][n % 3],
            first_name=["Anna", "Per"][n % 2],
        )
    BorrowerFactory(library=library_b)  # out of scope
    scoped = Borrower.objects.filter(library__in=library_a.with_branches()).order_by(*ORDERING)
    ids_first, plain = IdsFirstPaginator(scoped, 5), Paginator(scoped, 5)
    assert ids_first.num_pages == 5
    for number in ids_first.page_range:
        assert [b.pk for b in ids_first.page(number)] == [b.pk for b in plain.page(number)]


def test_an_empty_list_has_one_empty_page(library_a):
    page = IdsFirstPaginator(Borrower.objects.order_by(*ORDERING), 5).get_page(1)
    assert list(page) == [] and page.number == 1
