"""Applications: the public form's data, MTM staff who decide, and the cast's
libraries (A with its branch, B)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from applications.models import AccountApplication, BranchApplication
from libraries.models import Municipality
from tests.factories import StaffFactory

APPLY = reverse("applications:apply")
THANKS = reverse("applications:thanks")


def application_data(library, **changes) -> dict:
    """What a person types into the public form, as posted."""
    data = {
        "library": library.pk,
        "first_name": "Alva",
        "last_name": "Ansökare",
        "email": "alva@a.example",
        "phone": "08-123 45 67",
        "role": "registrerare",
        "works_at_library": "on",
        "course_taken": "on",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def send(client, library, ip="10.0.0.1", **changes):
    return client.post(APPLY, application_data(library, **changes), REMOTE_ADDR=ip)


@pytest.fixture
def decider(db):
    """MTM staff as they work: in the group MTM-personal, not a superuser."""
    user = StaffFactory(
        email="mats@mtm.example", first_name="Mats", library=None, role="", is_staff=True
    )
    user.groups.add(Group.objects.get(name="MTM-personal"))
    return user


@pytest.fixture
def decider_client(client, decider):
    client.force_login(decider)
    return client


@pytest.fixture
def account_application(library_a):
    return AccountApplication.objects.create(
        first_name="Alva",
        last_name="Ansökare",
        email="alva@a.example",
        phone="08-123 45 67",
        library=library_a,
        role="registrerare",
        works_at_library=True,
        course_taken=True,
    )


@pytest.fixture
def branch_application(library_a, head_admin):
    return BranchApplication.objects.create(
        library=library_a,
        applied_by=head_admin,
        name="Bibliotek A – Östra filialen",
        street_address="Storgatan 1",
        postal_code="123 45",
        city="Stockholm",
        municipality=Municipality.objects.get(name="Stockholm"),
    )
