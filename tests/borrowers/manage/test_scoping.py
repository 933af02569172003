"""Every URL of the borrowers namespace, walked from the resolver so that no new
view is forgotten: a registrar of another library gets 404 for borrower_a (or a
page without them), a förmedlare gets 403, an anonymous visitor the login page."""

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, SlugConverter, StringConverter, UUIDConverter

from tests.factories import BorrowerFactory


def borrower_patterns():
    _prefix, resolver = get_resolver().namespace_dict["borrowers"]

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            else:
                yield pattern

    return list(walk(resolver.url_patterns))


PATTERNS = borrower_patterns()


REGISTRAR_PATTERNS = [p for p in PATTERNS if getattr(p.callback, "login_required", True)]
#: The borrower's own set-password pages (@login_not_required): reached by a signed token only.
PUBLIC_PATTERNS = [p for p in PATTERNS if not getattr(p.callback, "login_required", True)]


def sample_kwargs(pattern, *, borrower, library):
    """Objects of library A for each URL argument. An unknown kind of argument
    fails the test until someone decides what belongs there."""
    kwargs = {}
    for name, converter in pattern.pattern.converters.items():
        if isinstance(converter, UUIDConverter):
            kwargs[name] = borrower.code
        elif isinstance(converter, SlugConverter) and name == "list_name":
            kwargs[name] = "samtliga"
        elif isinstance(converter, IntConverter):
            kwargs[name] = library.pk  # a library (branch) of A: outside B's scope
        elif isinstance(converter, StringConverter) and name == "token":
            kwargs[name] = "not-a-valid-token"
        else:
            pytest.fail(f"Classify URL argument {name!r} of borrowers:{pattern.name}")
    return kwargs


def is_about_one_object(pattern):
    return any(
        isinstance(c, (UUIDConverter, IntConverter)) for c in pattern.pattern.converters.values()
    )


def method_is_never_allowed(client, url, method):
    """405 that a registrar of the borrower's own library gets too reveals nothing."""
    return getattr(client, method)(url).status_code == 405


@pytest.fixture
def cast(library_a, branch_a, library_c, borrower_a, registrar_b):
    BorrowerFactory(library=library_c, first_name="Cecilia", last_name="Cederlund")
    return borrower_a


def test_every_pattern_has_a_name():
    assert PATTERNS and all(pattern.name for pattern in PATTERNS)


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_another_librarys_registrar_never_reaches_borrower_a(
    client, cast, registrar, registrar_b, branch_a, pattern
):
    borrower_a = cast
    kwargs = sample_kwargs(pattern, borrower=borrower_a, library=branch_a)
    url = reverse(f"borrowers:{pattern.name}", kwargs=kwargs)
    if is_about_one_object(pattern):
        client.force_login(registrar)
        never = {m for m in ("get", "post") if method_is_never_allowed(client, url, m)}
        client.force_login(registrar_b)
        for method in ("get", "post"):
            allowed = {404, 405} if method in never else {404}
            assert getattr(client, method)(url).status_code in allowed, method
        return
    client.force_login(registrar_b)
    # A page of B's own (a list, the search, a create form): borrower_a is not on it.
    # (Create forms are not sent borrower_a's number: their pull-to-own-library
    # notice names another library's borrower by design, SPEC §2.)
    for response in (
        client.get(url, follow=True),
        client.post(url, {"q": borrower_a.last_name}, follow=True),
        client.post(url, {"q": borrower_a.identifier}, follow=True),
    ):
        assert response.status_code in (200, 404, 405)
        html = response.content.decode()
        # (The search page shows what was typed, so the bare last name may be there.)
        shown = (
            "Andersson, Anna",
            borrower_a.email,
            str(borrower_a.code),
            borrower_a.display_identifier,
            "Cederlund",
        )
        for secret in shown:
            assert secret not in html


@pytest.mark.parametrize("pattern", REGISTRAR_PATTERNS, ids=lambda p: p.name)
def test_a_mediator_has_no_access(client, cast, mediator, branch_a, pattern):
    client.force_login(mediator)
    url = reverse(
        f"borrowers:{pattern.name}", kwargs=sample_kwargs(pattern, borrower=cast, library=branch_a)
    )
    for method in ("get", "post"):
        # A method the view never takes may be refused before the role is checked.
        assert getattr(client, method)(url).status_code in (403, 405), method
    assert 403 in (client.get(url).status_code, client.post(url).status_code)


def test_the_public_pages_are_only_the_borrowers_set_password_pages():
    set_password = {"password_link", "choose_password_here", "choose_password", "password_chosen"}
    assert {p.name for p in PUBLIC_PATTERNS} <= set_password


@pytest.mark.parametrize("pattern", REGISTRAR_PATTERNS, ids=lambda p: p.name)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, cast, branch_a, pattern):
    url = reverse(
        f"borrowers:{pattern.name}", kwargs=sample_kwargs(pattern, borrower=cast, library=branch_a)
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["detail", "edit", "password", "delete"])
def test_a_protected_identity_is_not_found_even_by_mtm_registrars(registrar_client, name):
    protected = BorrowerFactory(protected=True)
    url = reverse(f"borrowers:{name}", args=[protected.code])
    assert registrar_client.get(url).status_code == 404
    assert registrar_client.post(url).status_code == 404
    protected.refresh_from_db()


def test_a_branch_borrower_is_managed_by_the_main_librarys_registrar(registrar_client, branch_a):
    borrower = BorrowerFactory(library=branch_a)
    assert (
        registrar_client.get(reverse("borrowers:detail", args=[borrower.code])).status_code == 200
    )
