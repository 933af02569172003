"""The security tests' cast and the report line of the access matrix.

`world` is one small registry with something of everything: library A with a
branch, library B, library C; staff of every role; borrowers at A, at A's branch,
at B and a protected identity; pending transfer requests in every direction; and
a borrower logged in to Mina sidor. Each actor is a name that `log_in_as` turns
into a session on the test client.
"""

import time
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from hypothesis import HealthCheck, settings

from tests.factories import BorrowerFactory, LibraryFactory, StaffFactory

# --- hypothesis: modest example counts, the machine has two cores ---------------

# The everyday profile is derandomized, so that `make test` and CI give the same
# answer every time; "security-thorough" explores new random inputs.
settings.register_profile(
    "security",
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "security-thorough",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- the access matrix reports how many cases it tried --------------------------

MATRIX_CASES = pytest.StashKey[int]()
HOSTILE_CASES = pytest.StashKey[int]()


@pytest.fixture
def matrix_counter(request):
    """Adds to the count that the terminal summary prints."""
    config = request.config

    def add(n: int) -> None:
        config.stash[MATRIX_CASES] = config.stash.get(MATRIX_CASES, 0) + n

    return add


@pytest.fixture
def count(request):
    """Adds one to the hostile-input properties' count (test_hostile_properties.py)."""
    config = request.config

    def add(n: int = 1) -> None:
        config.stash[HOSTILE_CASES] = config.stash.get(HOSTILE_CASES, 0) + n

    return add


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    cases = config.stash.get(MATRIX_CASES, 0)
    hostile = config.stash.get(HOSTILE_CASES, 0)
    if cases or hostile:
        terminalreporter.write_sep("-", "security")
    if cases:
        terminalreporter.write_line(f"access matrix: {cases} cases tried")
    if hostile:
        terminalreporter.write_line(f"hostile-input properties: {hostile} cases tried")


# --- the cast ---------------------------------------------------------------------

MEMBER_PASSWORD = "medlemmens-eget-lösenord"

ANONYMOUS = "anonymous"
REGISTRAR_A = "registrar_a"
HEAD_ADMIN_A = "head_admin_a"
REGISTRAR_B = "registrar_b"
MEDIATOR_A = "mediator_a"
MTM_SUPERUSER = "mtm_superuser"
MTM_STAFF = "mtm_staff"
BORROWER = "borrower"  # logged in to Mina sidor, not a Django user

ACTORS = [
    ANONYMOUS,
    REGISTRAR_A,
    HEAD_ADMIN_A,
    REGISTRAR_B,
    MEDIATOR_A,
    MTM_SUPERUSER,
    MTM_STAFF,
    BORROWER,
]


@pytest.fixture
def world(db):
    from accounts.models import Role
    from transfers.models import TransferRequest

    a = LibraryFactory(name="Bibliotek A")
    branch = LibraryFactory(name="Bibliotek A – filial", parent=a)
    b = LibraryFactory(name="Bibliotek B")
    c = LibraryFactory(name="Bibliotek C")
    w = SimpleNamespace(library_a=a, branch_a=branch, library_b=b, library_c=c)
    w.staff = {
        REGISTRAR_A: StaffFactory(email="rita@a.example", library=a),
        HEAD_ADMIN_A: StaffFactory(email="hugo@a.example", library=a, role=Role.HEAD_ADMIN),
        REGISTRAR_B: StaffFactory(email="sune@b.example", library=b),
        MEDIATOR_A: StaffFactory(email="frida@a.example", library=a, role=Role.MEDIATOR),
        MTM_SUPERUSER: StaffFactory(
            email="maria@mtm.example", library=None, role="", is_staff=True, is_superuser=True
        ),
    }
    mtm = StaffFactory(email="mats@mtm.example", library=None, role="", is_staff=True)
    group = Group.objects.filter(name="MTM-personal").first()
    if group is not None:
        mtm.groups.add(group)
        w.staff[MTM_STAFF] = mtm
    registrar_c = StaffFactory(email="cilla@c.example", library=c)

    w.borrower_a = BorrowerFactory(library=a, first_name="Anna", last_name="Andersson")
    w.borrower_branch = BorrowerFactory(library=branch, first_name="Filip", last_name="Filial")
    w.borrower_b = BorrowerFactory(library=b, first_name="Bertil", last_name="Berg")
    w.borrower_protected = BorrowerFactory(protected=True)
    # The Mina sidor actor: a borrower of A with a password and a pending request to C.
    w.member = BorrowerFactory(library=a, first_name="Maja", last_name="Medlem")
    w.member.set_password(MEMBER_PASSWORD)
    w.member.save()
    w.transfer_of_member = TransferRequest.request(w.member, to_library=c, by=None)

    def pending(to_library, first_name, from_library=c, by=registrar_c):
        borrower = BorrowerFactory(library=from_library, first_name=first_name)
        return TransferRequest.request(borrower, to_library=to_library, by=by)

    w.transfer_to_a = pending(a, "Cissi")
    w.transfer_to_branch = pending(branch, "Conny")
    w.transfer_to_b = pending(b, "Cecilia")
    w.transfer_from_a = pending(c, "Albin", from_library=a, by=w.staff[REGISTRAR_A])
    w.transfer_from_b = pending(c, "Britt", from_library=b, by=w.staff[REGISTRAR_B])

    from applications.models import AccountApplication, BranchApplication

    w.account_application = AccountApplication.objects.create(
        first_name="Ansa",
        last_name="Ansökare",
        email="ansa@a.example",
        phone="08-123 45",
        library=a,
        role=Role.REGISTRAR,
    )
    w.branch_application = BranchApplication.objects.create(
        library=a,
        applied_by=w.staff[HEAD_ADMIN_A],
        name="Bibliotek A – ny filial",
        street_address="Storgatan 1",
        postal_code="111 22",
        city="Stockholm",
        municipality=a.municipality,
    )
    return w


def log_in_as(client, world, actor: str) -> None:
    """Give the test client the session of `actor` (ACTORS)."""
    client.logout()
    client.cookies.clear()
    if actor == ANONYMOUS:
        return
    if actor == BORROWER:
        from selfservice import session as borrower_session

        session = client.session
        now = int(time.time())
        session[borrower_session.CODE] = str(world.member.code)
        session[borrower_session.AUTH_TIME] = now
        session[borrower_session.SEEN] = now
        session[borrower_session.FINGERPRINT] = borrower_session.password_fingerprint(world.member)
        session.save()
        return
    client.force_login(world.staff[actor])
