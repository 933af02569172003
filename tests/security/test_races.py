"""Races on PostgreSQL with real concurrent connections: two requests that would
each be fine alone, at the same moment. Exactly one wins; the other gets a clear
answer (a form error or a message), never a server error, never a duplicate.

Each thread has its own test client and, Django's connections being per thread,
its own database connection. A barrier holds both requests after their form
validation (which both pass) until both are about to write, so the writes really
overlap.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from borrowers.identity import parse_personal_number
from borrowers.models import AlreadyRegistered, Borrower, BorrowerManager
from tests.factories import ADULT_PERSONNUMMER, BorrowerFactory, LibraryFactory, StaffFactory
from transfers import pull as pull_session
from transfers.models import Status, TransferRequest

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time")


def parse(number):
    return parse_personal_number(number, today=timezone.localdate()).value


def held_at(barrier, function):
    """`function`, but each caller waits at `barrier` first."""

    def wrapper(*args, **kwargs):
        barrier.wait(timeout=15)
        return function(*args, **kwargs)

    return wrapper


def at_once(*calls):
    """Run the calls in threads at the same time; return their results in order."""
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            results[index] = call()
        except Exception as error:  # a 500 in the view is raised by the test client
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def create_data(identifier, email, first_name):
    return {
        "identifier": identifier,
        "first_name": first_name,
        "last_name": "Samtidig",
        "email": email,
        "agreement": "on",
        "send_credentials": "on",
    }


@pytest.fixture
def library():
    return LibraryFactory(name="Bibliotek A")


@pytest.fixture
def two_registrars(library):
    return (
        StaffFactory(email="rita@a.example", library=library),
        StaffFactory(email="rolf@a.example", library=library),
    )


def test_the_same_person_registered_twice_at_once_is_saved_once(monkeypatch, two_registrars):
    barrier = threading.Barrier(2)
    monkeypatch.setattr(BorrowerManager, "register", held_at(barrier, BorrowerManager.register))
    number = ADULT_PERSONNUMMER[3]
    url = reverse("borrowers:create_adult")
    first, second = (client_for(user) for user in two_registrars)
    responses = at_once(
        lambda: first.post(url, create_data(number, "forsta@post.example", "Första")),
        lambda: second.post(url, create_data(number, "andra@post.example", "Andra")),
    )

    assert sorted(r.status_code for r in responses) == [200, 302]
    stored = parse(number)
    assert Borrower.objects.filter(identifier=stored).count() == 1
    loser = next(r for r in responses if r.status_code == 200)
    assert loser.context["form"].errors, "the second registrar is told why"


def test_two_people_with_the_same_email_at_once_get_one_account(monkeypatch, two_registrars):
    barrier = threading.Barrier(2)
    monkeypatch.setattr(BorrowerManager, "register", held_at(barrier, BorrowerManager.register))
    url = reverse("borrowers:create_adult")
    first, second = (client_for(user) for user in two_registrars)
    email = "delad@post.example"
    responses = at_once(
        lambda: first.post(url, create_data(ADULT_PERSONNUMMER[4], email, "Första")),
        lambda: second.post(url, create_data(ADULT_PERSONNUMMER[5], email.upper(), "Andra")),
    )

    assert sorted(r.status_code for r in responses) == [200, 302]
    assert Borrower.objects.filter(email__iexact=email).count() == 1
    loser = next(r for r in responses if r.status_code == 200)
    assert loser.context["form"].errors


def test_register_borrower_called_twice_at_once_raises_already_registered_once(library):
    registrar = StaffFactory(library=library)
    identity = parse_personal_number(ADULT_PERSONNUMMER[6], today=timezone.localdate())
    barrier = threading.Barrier(2)
    register = held_at(barrier, Borrower.objects.register)

    def attempt(email):
        def call():
            try:
                register(
                    by=registrar,
                    identity=identity,
                    email=email,
                    valid_until=None,
                    library=library,
                    first_name="Samtidig",
                    last_name="Person",
                )
            except AlreadyRegistered:
                return "refused"
            return "saved"

        return call

    results = at_once(attempt("ett@post.example"), attempt("tva@post.example"))
    assert sorted(results) == ["refused", "saved"]
    assert Borrower.objects.filter(identifier=identity.value).count() == 1


def test_a_transfer_accepted_and_pulled_at_once_moves_the_borrower_once(monkeypatch, library):
    """Two colleagues at library B: one accepts Anna's request to B, the other pulls
    her to B from the create form. One wins; the other is told it was done."""
    library_b = LibraryFactory(name="Bibliotek B")
    anna = BorrowerFactory(library=library, first_name="Anna")
    transfer = TransferRequest.request(anna, to_library=library_b, by=StaffFactory(library=library))
    decider = client_for(StaffFactory(email="sune@b.example", library=library_b))
    puller = client_for(StaffFactory(email="siv@b.example", library=library_b))
    session = puller.session
    session[pull_session.SESSION_KEY] = {str(anna.code): reverse("borrowers:create_adult")}
    session.save()

    barrier = threading.Barrier(2)
    monkeypatch.setattr(TransferRequest, "accept", held_at(barrier, TransferRequest.accept))
    monkeypatch.setattr(
        TransferRequest, "pull", classmethod(held_at(barrier, TransferRequest.pull.__func__))
    )
    accept, pull = at_once(
        lambda: decider.post(
            reverse("transfers:incoming_detail", args=[transfer.code]),
            {"decision": "accept"},
            follow=True,
        ),
        lambda: puller.post(
            reverse("transfers:pull", args=[anna.code]),
            {"consent": "on", "email": anna.email, "library": str(library_b.pk)},
        ),
    )

    anna.refresh_from_db()
    assert anna.library == library_b
    moves = TransferRequest.objects.filter(borrower=anna, status=Status.ACCEPTED)
    assert moves.count() == 1, "one move, not two"
    messages = [str(m) for m in accept.context["messages"]] if accept.context else []
    if moves.get().pulled:
        # The pull won: the decider is told the request was already handled.
        assert pull.status_code == 302
        assert any("redan" in m for m in messages), messages
    else:
        # The acceptance won: the pull form says she already belongs here.
        assert pull.status_code == 200
        assert pull.context["form"].non_field_errors()
