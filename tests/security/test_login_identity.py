"""The staff login looks an address up by the same identity the login throttle counts
(normalise_identity: stripped and casefolded), on every database. On PostgreSQL,
email__iexact compares UPPER(): a dotless i (U+0131) uppercases to I and matches the
account, while casefold() keeps it apart, so the throttle would count such guesses
under a key of their own. Here such a spelling finds no account at all."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import StaffUser
from tests.factories import TEST_PASSWORD, StaffFactory

LOGIN = reverse("accounts:login")
DOTLESS = "rıta@a.example"  # U+0131


def _login(email, password=TEST_PASSWORD):
    return Client().post(LOGIN, {"username": email, "password": password})


@pytest.fixture
def rita(library_a):
    return StaffFactory(email="rita@a.example", library=library_a)


def test_other_cases_and_spaces_find_the_account(rita):
    assert StaffUser.objects.get_by_natural_key(" RITA@A.example ") == rita
    assert _login("Rita@A.Example").status_code == 302


def test_a_spelling_the_throttle_counts_apart_finds_no_account(rita):
    with pytest.raises(StaffUser.DoesNotExist):
        StaffUser.objects.get_by_natural_key(DOTLESS)
    assert _login(DOTLESS).status_code == 200  # refused like a wrong password


@pytest.mark.postgres
def test_on_postgresql_lookup_and_throttle_agree(rita):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: its UPPER() is what matches the dotless i")
    # The premise: the database alone would take the dotless spelling for Rita's.
    assert StaffUser.objects.filter(email__iexact=DOTLESS).exists()
    # The account locked by guesses under its own spellings …
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(["rita@a.example", "RITA@a.example"][attempt % 2], password="fel")
    assert _login("rita@a.example").status_code == 429
    # … cannot be entered under a spelling the throttle counts apart.
    assert _login(DOTLESS).status_code != 302
    with pytest.raises(StaffUser.DoesNotExist):
        StaffUser.objects.get_by_natural_key(DOTLESS)
