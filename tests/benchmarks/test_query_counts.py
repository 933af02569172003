"""Every registrar page makes the same number of queries whatever the data size:
the same page at 5 and at 50 borrowers (SPEC §4, "a bounded number of queries per
page"). A page that grows an N+1 fails here long before it is slow in production."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarks.urls import BASELINE_PATH
from borrowers.views.manage import LISTS
from tests.admin.conftest import mtm_user  # noqa: F401 (a fixture)
from tests.factories import BorrowerFactory

#: Traits and fields cycled through: at both sizes every list has rows.
KINDS = [
    {},
    {"minor": True, "at_branch": True},
    {"samordningsnummer": True, "valid_until": "soon"},
    {"lma": True},
    {"lma": True, "registered_as_minor": True, "guardian_name": "Vera Vårdnad"},
]


class Scene:
    """Borrowers of library A (and its branch), and requests to A from library B."""

    def __init__(self, library_a, branch_a, library_b):
        self.library_a, self.branch_a, self.library_b = library_a, branch_a, library_b
        self.borrowers = []

    def grow_to(self, size):
        from transfers.models import TransferRequest

        today = timezone.localdate()
        while len(self.borrowers) < size:
            kind = dict(KINDS[len(self.borrowers) % len(KINDS)])
            library = self.branch_a if kind.pop("at_branch", False) else self.library_a
            if kind.get("valid_until") == "soon":
                kind["valid_until"] = today + timedelta(days=3)
            self.borrowers.append(BorrowerFactory(library=library, **kind))
            # As many pending requests to library A as it has borrowers.
            outsider = BorrowerFactory(library=self.library_b)
            TransferRequest.objects.create(
                borrower=outsider, from_library=self.library_b, to_library=self.library_a
            )
        return self

    def first(self, id_kind):
        return next(b for b in self.borrowers if b.id_kind == id_kind)


def _search(client, text):
    response = client.post(reverse("borrowers:search"), {"q": text})
    assert response.status_code == 302
    return response["Location"]


def _queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(queries)


def _request_for(page, scene, client):
    """(method, url, data) of `page` in the current scene."""
    adult, lma = scene.first("personnummer"), scene.first("lma")
    searches = {
        "personnummer": adult.display_identifier,
        "lma": lma.display_identifier,
        "email": adult.email,
        "name": "låntagare",
    }
    if page == "start":
        return "get", reverse("portal:start"), None
    if page == "my_library":
        return "get", reverse("libraries:my_library"), None
    if page.startswith("list:"):
        return "get", reverse("borrowers:list", args=[page.split(":", 1)[1]]), None
    if page.startswith("search-post:"):
        return "post", reverse("borrowers:search"), {"q": searches[page.split(":", 1)[1]]}
    if page.startswith("search-results:"):
        return "get", _search(client, searches[page.split(":", 1)[1]]), None
    if page == "detail":
        return "get", reverse("borrowers:detail", args=[adult.code]), None
    if page == "incoming":
        return "get", reverse("transfers:incoming"), None
    raise AssertionError(page)


PAGES = [
    "start",
    "my_library",
    *(f"list:{slug}" for slug in LISTS),
    *(f"search-post:{by}" for by in ("personnummer", "lma", "email", "name")),
    *(f"search-results:{by}" for by in ("personnummer", "lma", "email", "name")),
    "detail",
    "incoming",
]


@pytest.mark.parametrize("page", PAGES)
def test_page_makes_the_same_number_of_queries_at_5_and_50_borrowers(
    page, library_a, branch_a, library_b, registrar_client
):
    scene = Scene(library_a, branch_a, library_b).grow_to(5)
    method, url, data = _request_for(page, scene, registrar_client)
    _queries(registrar_client, method, url, data)  # warm: the session's first write
    small = _queries(registrar_client, method, url, data)

    scene.grow_to(50)
    method, url, data = _request_for(page, scene, registrar_client)
    _queries(registrar_client, method, url, data)
    large = _queries(registrar_client, method, url, data)

    assert small == large, f"{page}: {small} queries at 5 borrowers, {large} at 50"
    assert large <= 15, f"{page}: {large} queries"


def test_head_administrators_all_users_list_is_bounded_too(
    library_a, branch_a, library_b, head_admin, client
):
    """Visa alla användare also lists staff accounts for a head administrator."""
    from tests.factories import StaffFactory

    client.force_login(head_admin)
    url = reverse("borrowers:list", args=["alla-anvandare"])
    scene = Scene(library_a, branch_a, library_b).grow_to(5)
    _queries(client, "get", url)
    small = _queries(client, "get", url)
    scene.grow_to(50)
    StaffFactory.create_batch(10, library=library_a)
    _queries(client, "get", url)
    assert _queries(client, "get", url) == small


@override_settings(ROOT_URLCONF="benchmarks.urls")
def test_the_empty_page_reads_the_session_and_the_user_and_writes_nothing(registrar_client):
    """What every page pays is two queries, the session and the user with
    their library; the session is saved only when its idle expiry is due to move."""
    url = f"/{BASELINE_PATH}"
    _queries(registrar_client, "get", url)  # the first request moves the expiry
    with CaptureQueriesContext(connection) as queries:
        registrar_client.get(url)
    tables = [q["sql"].split(" FROM ")[1].split()[0] for q in queries]
    assert tables == ['"django_session"', '"accounts_staffuser"']
    assert "libraries_library" in queries[1]["sql"]  # the library comes with the user


@override_settings(ROOT_URLCONF="benchmarks.urls", STAFF_MFA_REQUIRED=True)
def test_the_empty_page_with_a_verified_second_factor_is_still_two_queries(client, registrar):
    """As in production, where library staff give a second factor: the session is
    verified by its generation, read with the user, not by a device query."""
    client.force_login(registrar)
    url = f"/{BASELINE_PATH}"
    assert client.get(url).wsgi_request.user.is_verified()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and response.wsgi_request.user.is_verified()
    assert len(queries) <= 2, [q["sql"] for q in queries]


def test_a_list_page_reads_only_the_columns_it_shows(
    library_a, branch_a, library_b, registrar_client
):
    Scene(library_a, branch_a, library_b).grow_to(3)
    url = reverse("borrowers:list", args=["samtliga"])
    _queries(registrar_client, "get", url)
    with CaptureQueriesContext(connection) as queries:
        registrar_client.get(url)
    page_query = next(q["sql"] for q in queries if '"borrowers_borrower"."code"' in q["sql"])
    assert '"password"' not in page_query and '"guardian_name"' not in page_query


ADMIN_PAGES = ["list", "search-post:name", "search-results:name", "search-results:email"]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_borrower_pages_make_the_same_number_of_queries_at_5_and_50(
    page,
    library_a,
    branch_a,
    library_b,
    mtm_user,  # noqa: F811 (the fixture)
    client,
):
    client.force_login(mtm_user)
    changelist = reverse("admin:borrowers_borrower_changelist")
    texts = {"name": "låntagare", "email": "@"}

    def request():
        if page == "list":
            return "get", changelist, None
        kind, by = page.split(":")
        data = {"q": texts[by], "_search": "1"}
        if kind == "search-post":
            return "post", changelist, data
        return "get", client.post(changelist, data)["Location"], None

    scene = Scene(library_a, branch_a, library_b).grow_to(5)
    _queries(client, *request())
    small = _queries(client, *request())
    scene.grow_to(50)
    _queries(client, *request())
    large = _queries(client, *request())
    assert small == large, f"{page}: {small} queries at 5 borrowers, {large} at 50"
    assert large <= 15
