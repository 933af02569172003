"""The cast: library A (with a branch) and its registrar, head administrator and
förmedlare; library B and its registrar; an uninvolved library C; MTM staff."""

import pytest

from accounts.models import Role
from tests.factories import LibraryFactory, StaffFactory


def ensure_reference_data():
    """What the data migrations load, put back after a test that emptied the database."""
    from borrowers.models import AgreementText, Service
    from borrowers.reference import seed_services
    from libraries.models import County, Municipality
    from libraries.reference import load_counties

    if not Municipality.objects.exists():
        load_counties(County, Municipality)
    seed_services(Service, AgreementText)
    _mtm_staff_group()


def _mtm_staff_group():
    """The group the migrations create (accounts 0002, applications 0002)."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    staff = importlib.import_module("accounts.migrations.0002_mtm_staff_group")
    applications = importlib.import_module("applications.migrations.0002_mtm_staff_rights")
    stats = importlib.import_module("stats.migrations.0002_i20_mtm_staff_rights")
    group, _ = Group.objects.get_or_create(name=staff.GROUP)
    rights = [
        Permission.objects.get(content_type__app_label=app, codename=f"{action}_{model}")
        for (app, model), actions in staff.RIGHTS.items()
        for action in actions
    ]
    students = importlib.import_module("applications.migrations.0005_i21_student_rights")
    rights += Permission.objects.filter(
        content_type__app_label="applications",
        codename__in=[*applications.RIGHTS, *students.RIGHTS],
    )
    rights += Permission.objects.filter(content_type__app_label="stats", codename__in=stats.RIGHTS)
    imports = importlib.import_module("imports.migrations.0003_mtm_staff_rights")
    rights += Permission.objects.filter(
        content_type__app_label="imports", codename__in=imports.RIGHTS
    )
    group.permissions.set(rights)


@pytest.fixture(autouse=True)
def _reference_data(request):
    # Transactional tests (live server, real concurrency) start from a database
    # that an earlier such test flushed: the migrations' data is gone.
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        ensure_reference_data()


def verify_second_factor(client, user):
    """As if `user` had given a code from their app in this client's session."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import mfa

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    mfa.remember_verified(session, device)
    session.save()


@pytest.fixture(autouse=True)
def _second_factor_in_force_login(monkeypatch):
    """force_login() stands for the whole sign-in in most tests: for an account that
    needs a second factor (MTM staff), it verifies one too. Tests of the second
    factor itself pass second_factor=False."""
    from django.test import Client

    from accounts import mfa

    original = Client.force_login

    def force_login(self, user, backend=None, *, second_factor=True):
        original(self, user, backend)
        if second_factor and mfa.required_for(user):
            verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Mail is delivered at once in tests (SPEC §2 Mail); tests about the real
    # queue switch to the database backend themselves.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = "https://register.example"


@pytest.fixture
def library_a(db):
    return LibraryFactory(name="Bibliotek A")


@pytest.fixture
def branch_a(library_a):
    return LibraryFactory(name="Bibliotek A – filial", parent=library_a)


@pytest.fixture
def library_b(db):
    return LibraryFactory(name="Bibliotek B")


@pytest.fixture
def library_c(db):
    return LibraryFactory(name="Bibliotek C")


@pytest.fixture
def registrar(library_a):
    return StaffFactory(email="rita@a.example", first_name="Rita", library=library_a)


@pytest.fixture
def head_admin(library_a):
    return StaffFactory(
        email="hugo@a.example", first_name="Hugo", library=library_a, role=Role.HEAD_ADMIN
    )


@pytest.fixture
def mediator(library_a):
    return StaffFactory(
        email="frida@a.example", first_name="Frida", library=library_a, role=Role.MEDIATOR
    )


@pytest.fixture
def registrar_b(library_b):
    return StaffFactory(email="sune@b.example", first_name="Sune", library=library_b)


@pytest.fixture
def mtm_staff(db):
    return StaffFactory(
        email="maria@mtm.example", library=None, role="", is_staff=True, is_superuser=True
    )


@pytest.fixture
def registrar_client(client, registrar):
    client.force_login(registrar)
    return client


@pytest.fixture
def borrower_a(library_a):
    from tests.factories import BorrowerFactory

    return BorrowerFactory(library=library_a, first_name="Anna", last_name="Andersson")


@pytest.fixture
def borrower_b(library_b):
    from tests.factories import BorrowerFactory

    return BorrowerFactory(library=library_b, first_name="Bertil", last_name="Berg")
