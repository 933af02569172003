"""MTM staff as they work: is_staff members of the group MTM-personal, not superusers."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import StaffFactory


@pytest.fixture
def mtm_user(db):
    user = StaffFactory(
        email="mats@mtm.example", first_name="Mats", library=None, role="", is_staff=True
    )
    user.groups.add(Group.objects.get(name="MTM-personal"))
    return user


@pytest.fixture
def mtm_client(client, mtm_user):
    client.force_login(mtm_user)
    return client


@pytest.fixture
def superuser_client(client, mtm_staff):
    client.force_login(mtm_staff)
    return client
