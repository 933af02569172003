"""Glömt lösenord does the same work for every address: the request checks the form and
queues one task, whether or not an account has the address, so the answer's time does
not tell accounts apart. Compared by the work itself (database queries, tasks queued,
password hashes computed), not by the clock. The task then does the per-address work."""

import pytest
from django.contrib.auth import hashers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import MailKind, OutgoingMail
from tests.factories import BorrowerFactory, StaffFactory

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued(settings):
    """Tasks are only recorded, not run: what the request itself does is measured."""
    from django_tasks import default_task_backend

    settings.TASKS = DUMMY
    default_task_backend.clear()
    return default_task_backend


@pytest.fixture
def hashes(monkeypatch):
    """Counts password hashes computed or verified."""
    counted = []
    for name in ("make_password", "check_password"):
        original = getattr(hashers, name)

        def counting(*args, _original=original, **kwargs):
            counted.append(1)
            return _original(*args, **kwargs)

        monkeypatch.setattr(hashers, name, counting)
    return counted


def _work(client, url, email, queued, hashes):
    queued.clear()
    hashes.clear()
    client.get(url)  # the CSRF cookie and the session exist before measuring
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"email": email})
    assert response.status_code == 302
    tasks = [(result.task.name, result.args) for result in queued.results]
    shapes = [_shape(q["sql"]) for q in queries.captured_queries]
    return shapes, [name for name, _ in tasks], len(hashes), tasks


def _shape(sql: str) -> str:
    """The statement without its values (the session key and the address differ)."""
    import re

    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


@pytest.mark.parametrize(
    ("url", "task_name"),
    [
        (reverse("selfservice:forgot_password"), "send_borrower_reset"),
        (reverse("accounts:password_reset"), "send_staff_reset"),
    ],
    ids=["mina-sidor", "staff"],
)
def test_a_known_and_an_unknown_address_cost_the_same_work(
    client, library_a, queued, hashes, url, task_name
):
    BorrowerFactory(library=library_a, email="lena@post.example")
    StaffFactory(email="lena@post.example", library=library_a)

    known = _work(client, url, "lena@post.example", queued, hashes)
    unknown = _work(client, url, "ingen.alls@post.example", queued, hashes)

    assert known[0] == unknown[0]  # the same queries, statement for statement
    assert known[1] == unknown[1] == [task_name]  # one task each
    assert known[2] == unknown[2] == 0  # no password hash on the request
    assert known[3][0][1] == ["lena@post.example"]


def test_the_task_queues_the_mail_only_for_a_known_address(library_a):
    from accounts.resets import send_staff_reset
    from borrowers.resets import send_borrower_reset

    BorrowerFactory(library=library_a, email="lena@post.example")
    StaffFactory(email="rita@a.example", library=library_a)
    send_borrower_reset.call("ingen@post.example")
    send_staff_reset.call("ingen@a.example")
    assert not OutgoingMail.objects.exists()
    send_borrower_reset.call("Lena@Post.example")
    send_staff_reset.call("RITA@a.example")
    kinds = set(OutgoingMail.objects.values_list("kind", flat=True))
    assert kinds == {MailKind.BORROWER_PASSWORD_RESET, MailKind.STAFF_PASSWORD_RESET}
