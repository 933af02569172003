"""The access matrix: every URL of the project, every kind of actor, and sample
objects inside and outside the actor's scope, against an explicit table.

The URL patterns come from the resolver, recursively through every include, so a
new view cannot be forgotten: a name the table below does not know fails
`test_every_url_pattern_is_classified`. The only patterns left out are Django
admin's own generated ones (ADMIN_GENERATED, see there); /admin/ itself and a
sample of the borrower admin are in the table, and so is any view a ModelAdmin
adds of its own.

Each case is requested with GET and (outside the admin) POST with an empty body.
A request that changes something (delete, send mail, withdraw) is rolled back
afterwards (a savepoint), so every case starts from the same world.
"""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import BorrowerFactory

from .conftest import (
    ACTORS,
    ANONYMOUS,
    BORROWER,
    HEAD_ADMIN_A,
    MEDIATOR_A,
    MTM_STAFF,
    MTM_SUPERUSER,
    REGISTRAR_A,
    REGISTRAR_B,
    log_in_as,
)

# --- the URL patterns -------------------------------------------------------------


def walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern


#: Django admin's generated patterns: the standard views of every ModelAdmin
#: (changelist, add, history, delete, change, the unnamed redirect to change),
#: of the AdminSite (index, login, logout, password change, autocomplete, jsi18n,
#: view on site, app index, the unnamed catch-all) and UserAdmin's password form.
#: Their access rule is Django's own (is_staff + model permissions), tested by
#: Django and by tests/admin. A view a ModelAdmin adds itself (get_urls) does NOT
#: match and must be in the table. ADMIN_SAMPLES are tested even though they match.
ADMIN_GENERATED = re.compile(
    r"^admin:(index|login|logout|password_change|password_change_done|autocomplete|jsi18n"
    r"|view_on_site|app_list|auth_user_password_change"
    r"|\w+_(changelist|add|history|delete|change))$"
)
ADMIN_SAMPLES = {
    "admin:index",
    "admin:borrowers_borrower_changelist",
    "admin:borrowers_borrower_change",
    "admin:borrowers_borrower_history",
    "admin:borrowers_borrower_delete",
    "admin:audit_auditevent_changelist",
}


def url_patterns():
    """{full name: pattern} of every URL the matrix must know."""
    found, unnamed = {}, []
    for namespace, pattern in walk(get_resolver().url_patterns):
        if not pattern.name:
            if namespace == "admin:":
                continue  # admin's unnamed redirect and catch-all (ADMIN_GENERATED)
            unnamed.append(str(pattern.pattern))
            continue
        name = namespace + pattern.name
        if ADMIN_GENERATED.match(name) and name not in ADMIN_SAMPLES:
            continue
        found[name] = pattern
    assert not unnamed, f"Give these URL patterns a name: {unnamed}"
    return found


PATTERNS = url_patterns()

# --- outcomes ------------------------------------------------------------------------

OK = "200 (a POST may also redirect)"
REDIRECT = "302 to a page that is not a login page"
LOGIN = "302 to the staff login"
ADMIN_LOGIN = "302 to the admin login"
MINA_SIDOR_LOGIN = "302 to the Mina sidor login"
DENIED = "403 (no access)"
NOT_FOUND = "404"
UNAUTHORIZED = "401"
NO_CONTENT = "204"
UNPROCESSABLE = "400 (a passkey ceremony that was never begun)"
BAD_REQUEST = "400 (a protocol request without its parameters)"

GET, POST = "GET", "POST"
ANY = frozenset({GET, POST})
GET_ONLY = frozenset({GET})
POST_ONLY = frozenset({POST})

STAFF = (REGISTRAR_A, HEAD_ADMIN_A, REGISTRAR_B, MEDIATOR_A, MTM_SUPERUSER, MTM_STAFF)
NOT_REGISTRARS = (MEDIATOR_A, MTM_SUPERUSER, MTM_STAFF)


def everyone(outcome):
    return dict.fromkeys(ACTORS, outcome)


def registrars(ok=OK):
    """The registrar UI: registrars and head administrators; a förmedlare and MTM
    staff get the no-access page; anyone else the staff login."""
    table = everyone(LOGIN)  # anonymous, and a borrower (who is not a staff user)
    table.update(dict.fromkeys((REGISTRAR_A, HEAD_ADMIN_A, REGISTRAR_B), ok))
    table.update(dict.fromkeys(NOT_REGISTRARS, DENIED))
    return table


def head_admins():
    table = registrars()
    table[REGISTRAR_A] = table[REGISTRAR_B] = DENIED
    return table


def staff_only():
    table = everyone(LOGIN)
    table.update(dict.fromkeys(STAFF, OK))
    return table


def scoped(ok=OK, outside=NOT_FOUND):
    """Objects of library A, its branch, library B and a protected identity: A's
    registrars reach A's and the branch's, B's registrar B's; nobody else's (404)."""
    table = registrars()
    own_a = {"a": ok, "branch": ok, "b": outside, "protected": outside}
    own_b = {"a": outside, "branch": outside, "b": ok, "protected": outside}
    table[REGISTRAR_A] = table[HEAD_ADMIN_A] = own_a
    table[REGISTRAR_B] = own_b
    return table


def mina_sidor(ok=OK):
    table = everyone(MINA_SIDOR_LOGIN)
    table[BORROWER] = ok
    return table


def admin(ok=OK, *, anonymous=LOGIN):
    """The admin: MTM staff (superuser and the MTM-personal group). Staff without
    is_staff are sent to the admin's login; people not logged in (a borrower is not
    a staff user) to the staff login by LoginRequiredMiddleware, except at the
    admin's index, which sends them to its own login."""
    table = everyone(ADMIN_LOGIN)
    table[ANONYMOUS] = table[BORROWER] = anonymous
    table[MTM_SUPERUSER] = table[MTM_STAFF] = ok
    return table


def per_method(get, post):
    return {GET: get, POST: post}


def with_(table, **changes):
    return table | changes


#: URL name -> (methods the view takes, {actor: outcome | {subject: outcome}}).
#: An outcome may be {method: outcome}.
EXPECTED = {
    # Startsida and Mitt bibliotek
    "portal:start": (ANY, registrars()),
    "libraries:my_library": (ANY, registrars()),
    "libraries:branches": (ANY, registrars()),
    "libraries:branch": (
        ANY,
        with_(
            registrars(),
            **{
                REGISTRAR_A: {"a": NOT_FOUND, "branch": OK, "b": NOT_FOUND},
                HEAD_ADMIN_A: {"a": NOT_FOUND, "branch": OK, "b": NOT_FOUND},
                REGISTRAR_B: {"a": NOT_FOUND, "branch": NOT_FOUND, "b": NOT_FOUND},
            },
        ),
    ),
    "libraries:head_admins": (ANY, head_admins()),
    "libraries:registrars": (ANY, head_admins()),
    "libraries:mediators": (ANY, head_admins()),
    # Statistik: the own library's figures (another library's: 404, tests/stats).
    "stats:library": (GET_ONLY, registrars()),
    "stats:library_csv": (GET_ONLY, registrars()),
    # Staff accounts
    "accounts:login": (
        ANY,
        with_(everyone(REDIRECT), **{ANONYMOUS: OK, BORROWER: OK}),
    ),
    "accounts:logout": (POST_ONLY, everyone(LOGIN)),
    "accounts:profile": (ANY, staff_only()),
    # Tvåstegsverifiering: library staff here have no device (STAFF_MFA_REQUIRED is
    # off in tests), so the code page sends them to enrolment; MTM staff are verified
    # (tests/conftest.py) and go on. Recovery codes need a verified session.
    "accounts:mfa_verify": (ANY, staff_only() | dict.fromkeys(STAFF, REDIRECT)),
    "accounts:mfa_enrol": (ANY, staff_only()),
    "accounts:mfa_recovery_codes": (
        POST_ONLY,
        staff_only() | dict.fromkeys(STAFF, REDIRECT) | {MTM_SUPERUSER: OK, MTM_STAFF: OK},
    ),
    "accounts:password_reset": (ANY, everyone(OK)),
    "accounts:password_reset_done": (GET_ONLY, everyone(OK)),
    # The valid sample is Rita's (registrar A) link: logging in as Rita changes
    # last_login, which ends the link, so she sees the invalid-link page.
    "accounts:password_reset_confirm": (
        ANY,
        with_(
            everyone({"valid": REDIRECT, "invalid": OK}),
            **{REGISTRAR_A: {"valid": OK, "invalid": OK}},
        ),
    ),
    "accounts:password_reset_complete": (GET_ONLY, everyone(OK)),
    # The mailed links (token in the query string) only move the token into the session.
    "accounts:set_password_link": (GET_ONLY, everyone(REDIRECT)),
    # Registering borrowers
    "borrowers:create_adult": (ANY, registrars()),
    "borrowers:create_minor": (ANY, registrars()),
    "borrowers:create_lma_adult": (ANY, registrars()),
    "borrowers:create_lma_minor": (ANY, registrars()),
    # Without the flag set by saving a protected identity: back to Mitt bibliotek.
    "borrowers:protected_created": (ANY, registrars(REDIRECT)),
    "borrowers:agreement": (ANY, registrars()),
    "borrowers:send_credentials": (POST_ONLY, scoped()),
    "borrowers:password_chosen": (ANY, everyone(OK)),
    "borrowers:choose_password": (ANY, everyone({"valid": OK, "invalid": NOT_FOUND})),
    "borrowers:password_link": (GET_ONLY, everyone(REDIRECT)),
    # Without a token in the session (no mailed link opened): the invalid-link page.
    "borrowers:choose_password_here": (ANY, everyone(NOT_FOUND)),
    # Finding and managing borrowers
    "borrowers:search": (ANY, registrars()),
    "borrowers:list": (
        GET_ONLY,
        with_(
            registrars(),
            **{
                actor: {"samtliga": OK, "finns-inte": NOT_FOUND}
                for actor in (REGISTRAR_A, HEAD_ADMIN_A, REGISTRAR_B)
            },
        ),
    ),
    "borrowers:detail": (GET_ONLY, scoped()),
    "borrowers:edit": (ANY, scoped()),
    "borrowers:password": (ANY, scoped()),
    "borrowers:replace_lma": (ANY, scoped()),
    "applications:create_student": (ANY, registrars()),
    "applications:student_applications": (GET_ONLY, registrars()),
    "borrowers:delete": (ANY, scoped()),
    # Transfers
    "transfers:incoming": (ANY, registrars()),
    "transfers:incoming_detail": (ANY, scoped()),
    "transfers:cancel": (POST_ONLY, scoped()),
    "transfers:outgoing": (ANY, scoped()),
    "transfers:library_search": (ANY, scoped()),
    "transfers:confirm": (ANY, scoped()),
    # Only for a borrower whose identifier this session typed into a create form.
    "transfers:pull": (ANY, scoped(ok=NOT_FOUND)),
    # Mina sidor
    "selfservice:details": (GET_ONLY, mina_sidor()),
    "selfservice:login": (ANY, with_(everyone(OK), **{BORROWER: per_method(REDIRECT, OK)})),
    "selfservice:logout": (POST_ONLY, everyone(MINA_SIDOR_LOGIN)),
    "selfservice:change_password": (ANY, mina_sidor()),
    "privacy:borrower_extract": (GET_ONLY, mina_sidor()),
    "selfservice:change_language": (ANY, mina_sidor()),
    # The language switch before login: a cookie, then back (here: to the login page).
    "selfservice:language": (POST_ONLY, everyone(MINA_SIDOR_LOGIN)),
    "selfservice:forgot_password": (ANY, everyone(OK)),
    "selfservice:forgot_password_sent": (GET_ONLY, everyone(OK)),
    "selfservice:reset_password": (ANY, everyone(OK)),
    "selfservice:reset_link": (GET_ONLY, everyone(REDIRECT)),
    "selfservice:password_link": (GET_ONLY, everyone(REDIRECT)),
    "selfservice:transfer": (GET_ONLY, mina_sidor()),
    "selfservice:transfer_confirm": (
        ANY,
        mina_sidor({"a": NOT_FOUND, "branch": OK, "b": OK}),  # A is the borrower's own
    ),
    "selfservice:transfer_withdraw": (POST_ONLY, mina_sidor({"own": OK, "b": NOT_FOUND})),
    # The talking-book service's login check: a service token or nothing.
    "api:authenticate": (POST_ONLY, everyone(UNAUTHORIZED)),
    "api:openapi": (GET_ONLY, everyone(OK)),
    # Sign in with the registry (OpenID Connect): public metadata; the protocol's own
    # answers without its parameters; the borrower signs in on Mina sidor's login.
    "oauth2_provider:oidc-connect-discovery-info": (GET_ONLY, everyone(OK)),
    "oauth2_provider:jwks-info": (GET_ONLY, everyone(OK)),
    "oauth2_provider:token": (POST_ONLY, everyone(BAD_REQUEST)),
    "oauth2_provider:user-info": (ANY, everyone(UNAUTHORIZED)),
    "oauth2_provider:authorize": (
        ANY,
        with_(everyone(MINA_SIDOR_LOGIN), **{BORROWER: BAD_REQUEST}),
    ),
    "oauth2_provider:rp-initiated-logout": (
        ANY,
        with_(everyone(MINA_SIDOR_LOGIN), **{BORROWER: per_method(OK, BAD_REQUEST)}),
    ),
    # Applications for accounts and branches
    "applications:library_search": (GET_ONLY, everyone(OK)),
    # Without a chosen library, the form sends the visitor to the library search.
    "applications:apply": (ANY, everyone(per_method(REDIRECT, OK))),
    "applications:thanks": (GET_ONLY, everyone(OK)),
    "applications:branch": (ANY, head_admins()),
    # Public pages
    "portal:accessibility": (GET_ONLY, everyone(OK)),
    "portal:healthz": (GET_ONLY, everyone(OK)),
    # "Fortsätt vara inloggad": 204 while a staff or borrower session lives, else 401.
    # Passkeys (django-otp-webauthn): staff only. Registering is open only to a
    # verified session or one with no second factor yet (accounts.middleware).
    "otp_webauthn:credential-registration-begin": (POST_ONLY, staff_only()),
    "otp_webauthn:credential-registration-complete": (
        POST_ONLY,
        staff_only() | dict.fromkeys(STAFF, UNPROCESSABLE),
    ),
    "otp_webauthn:credential-authentication-begin": (POST_ONLY, staff_only()),
    "otp_webauthn:credential-authentication-complete": (
        POST_ONLY,
        staff_only() | dict.fromkeys(STAFF, UNPROCESSABLE),
    ),
    "otp_webauthn:js-i18n-catalog": (GET_ONLY, staff_only()),
    "portal:keep_alive": (POST_ONLY, with_(everyone(NO_CONTENT), **{ANONYMOUS: UNAUTHORIZED})),
    # The admin (GET only: see test_admin_sample)
    "admin:index": (GET_ONLY, admin(anonymous=ADMIN_LOGIN)),
    "admin:borrowers_borrower_changelist": (GET_ONLY, admin()),
    "admin:borrowers_borrower_change": (GET_ONLY, admin()),
    "admin:borrowers_borrower_extract": (GET_ONLY, admin()),
    "admin:borrowers_borrower_duplicates": (ANY, admin()),
    # The history is the borrower's audit log (a filtered changelist).
    "admin:borrowers_borrower_history": (GET_ONLY, admin(REDIRECT)),
    # MTM-personal has no delete right; superusers do.
    "admin:borrowers_borrower_delete": (
        GET_ONLY,
        with_(admin(), **{MTM_STAFF: DENIED}),
    ),
    # Flytta till bibliotek: a protected identity has no library to move from.
    "admin:borrowers_borrower_move": (
        GET_ONLY,
        admin({"a": OK, "branch": OK, "b": OK, "protected": REDIRECT}),
    ),
    "admin:audit_auditevent_changelist": (GET_ONLY, admin()),
    # Deciding applications for accounts and branches (MTM staff with change rights).
    "admin:applications_accountapplication_decide": (GET_ONLY, admin()),
    "admin:applications_branchapplication_decide": (GET_ONLY, admin()),
    # MTM's national statistics (the changelist of stats.DailySnapshot).
    "admin:stats_dailysnapshot_csv": (GET_ONLY, admin()),
    "admin:stats_dailysnapshot_publication": (GET_ONLY, admin()),
    "admin:applications_studentapplication_decide": (GET_ONLY, admin()),
    # Slå ihop konton (a right of its own, MTM-personal has it).
    "admin:borrowers_borrower_merge": (GET_ONLY, admin()),
    # Flytta alla låntagare, from a library's page.
    "admin:libraries_library_move_all": (GET_ONLY, admin()),
    # Importera låntagare: the report of a checked file; confirming is POST only.
    "admin:imports_importrun_report": (GET_ONLY, admin()),
    "admin:imports_importrun_confirm": (POST_ONLY, admin()),
}

# --- sample objects for URL arguments ------------------------------------------------

BORROWER_SUBJECTS = ("a", "branch", "b", "protected")


def _borrowers(w):
    return {
        "a": w.borrower_a,
        "branch": w.borrower_branch,
        "b": w.borrower_b,
        "protected": w.borrower_protected,
    }


def _lma_of(w, subject, library):
    """One LMA borrower per subject, made once per world."""
    made = w.__dict__.setdefault("lma_borrowers", {})
    if subject not in made:
        place = {"library": library} if library else {"protected": True}
        made[subject] = BorrowerFactory(lma=True, **place)
    return made[subject]


def subjects(name, pattern, w) -> dict[str, dict]:
    """{subject: URL kwargs}. One subject ("-") for a URL without arguments."""
    arguments = set(pattern.pattern.converters)
    if not arguments:
        return {"-": {}}
    borrowers = _borrowers(w)
    libraries = {"a": w.library_a, "branch": w.branch_a, "b": w.library_b}
    by_name = {
        "transfers:incoming_detail": lambda: {
            "a": {"code": w.transfer_to_a.code},
            "branch": {"code": w.transfer_to_branch.code},
            "b": {"code": w.transfer_to_b.code},
        },
        "transfers:cancel": lambda: {
            "a": {"code": w.transfer_from_a.code},
            "b": {"code": w.transfer_from_b.code},
        },
        "transfers:confirm": lambda: {
            s: {"code": b.code, "library": w.library_c.pk} for s, b in borrowers.items()
        },
        "selfservice:transfer_withdraw": lambda: {
            "own": {"code": w.transfer_of_member.code},
            "b": {"code": w.transfer_to_b.code},
        },
        "selfservice:transfer_confirm": lambda: {
            s: {"library": lib.pk} for s, lib in libraries.items()
        },
        "libraries:branch": lambda: {s: {"pk": lib.pk} for s, lib in libraries.items()},
        # An LMA account of each place (only those have the page).
        "borrowers:replace_lma": lambda: {
            s: {"code": _lma_of(w, s, lib).code}
            for s, lib in (*libraries.items(), ("protected", None))
        },
        "borrowers:list": lambda: {
            "samtliga": {"list_name": "samtliga"},
            "finns-inte": {"list_name": "finns-inte"},
        },
        "borrowers:choose_password": lambda: {
            "valid": {"token": _credentials_token(w.borrower_a)},
            "invalid": {"token": "inte-en-giltig-länk"},
        },
        "selfservice:reset_link": lambda: {"any": {"token": "vad-som-helst"}},
        "stats:library_csv": lambda: {"nu": {"table": "nu"}},
        "admin:stats_dailysnapshot_csv": lambda: {"lan": {"table": "lan"}},
        "admin:stats_dailysnapshot_publication": lambda: {"kommuner": {"table": "kommuner"}},
        "accounts:set_password_link": lambda: {"any": {"uidb64": "MQ"}},
        "admin:borrowers_borrower_merge": lambda: {
            "a-and-b": {"first": borrowers["a"].pk, "second": borrowers["b"].pk}
        },
        "admin:libraries_library_move_all": lambda: {"a": {"object_id": w.library_a.pk}},
        "admin:imports_importrun_report": lambda: {"a": {"pk": _import_run(w).pk}},
        "admin:imports_importrun_confirm": lambda: {"a": {"pk": _import_run(w).pk}},
        "accounts:password_reset_confirm": lambda: {
            "valid": _staff_reset_kwargs(w.staff[REGISTRAR_A]),
            "invalid": {"uidb64": "MQ", "token": "ogiltig-lank"},
        },
    }
    if name in by_name:
        return by_name[name]()
    if arguments == {"code"}:  # a borrower's public code
        return {s: {"code": b.code} for s, b in borrowers.items()}
    if name.startswith("admin:applications_") and arguments == {"object_id"}:
        if "studentapplication" in name:
            return {"a": {"object_id": _student_application(w).pk}}
        model = "branch" if "branchapplication" in name else "account"
        return {"a": {"object_id": getattr(w, f"{model}_application").pk}}
    if arguments == {"object_id"} and name.startswith("admin:borrowers_borrower_"):
        return {s: {"object_id": b.pk} for s, b in borrowers.items()}
    pytest.fail(f"Choose sample objects for the arguments {sorted(arguments)} of {name}")


def _import_run(w):
    from imports.models import ImportRun

    return ImportRun.objects.create(
        library=w.library_a, file_name="lantagare.csv", content=b"", report="Fil;Rad\r\n"
    )


def _student_application(w):
    from datetime import date, timedelta

    from django.utils import timezone

    from applications.models import StudentApplication

    return StudentApplication.objects.create(
        library=w.library_a,
        applied_by=w.staff[REGISTRAR_A],
        first_name="Mei",
        last_name="Chen",
        email="mei@student.example",
        birth_date=date(1998, 4, 12),
        studies_end=timezone.localdate() + timedelta(days=700),  # a plausible date
    )


def _credentials_token(borrower):
    from borrowers.credentials import make_token

    return make_token(borrower)


def _staff_reset_kwargs(user):
    user = type(user).objects.get(pk=user.pk)  # as stored: a rolled-back login changed last_login
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


# --- judging an answer -------------------------------------------------------------


def _where(response) -> str:
    location = response.get("Location", "")
    for prefix, kind in (
        (reverse("admin:login"), "admin_login"),
        (reverse("selfservice:login"), "mina_sidor_login"),
        (reverse("accounts:login"), "login"),
    ):
        if location.startswith(prefix):
            return kind
    return "elsewhere"


def _matches(outcome, method, response) -> bool:
    status = response.status_code
    if outcome == OK:
        if method == GET:
            return status == 200
        return status == 200 or (status == 302 and _where(response) == "elsewhere")
    if outcome == REDIRECT:
        return status == 302 and _where(response) == "elsewhere"
    kinds = {LOGIN: "login", ADMIN_LOGIN: "admin_login", MINA_SIDOR_LOGIN: "mina_sidor_login"}
    if outcome in kinds:
        return status == 302 and _where(response) == kinds[outcome]
    return (
        status
        == {
            DENIED: 403,
            NOT_FOUND: 404,
            UNAUTHORIZED: 401,
            NO_CONTENT: 204,
            UNPROCESSABLE: 400,
            BAD_REQUEST: 400,
        }[outcome]
    )


def judge(outcome, method, methods, response) -> bool:
    """Whether the response is the expected one. A method the view never takes is
    405 where access would be granted; where access is refused, the refusal or
    405, whichever check comes first (neither reveals anything)."""
    if isinstance(outcome, dict):
        outcome = outcome[method]
    if method not in methods:
        if outcome in (OK, REDIRECT, NO_CONTENT):
            return response.status_code == 405
        return response.status_code == 405 or _matches(outcome, method, response)
    return _matches(outcome, method, response)


def describe(response) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code} → {response['Location']}"
    return str(response.status_code)


# --- the tests ----------------------------------------------------------------------


def test_every_url_pattern_is_classified():
    unknown = sorted(set(PATTERNS) - set(EXPECTED))
    assert not unknown, (
        f"New URL patterns: add them to EXPECTED in {__name__} with who may reach them: {unknown}"
    )
    stale = sorted(set(EXPECTED) - set(PATTERNS))
    assert not stale, f"EXPECTED names URL patterns that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(set(PATTERNS) & set(EXPECTED)))
def test_access_matrix(client, world, matrix_counter, name):
    methods, table = EXPECTED[name]
    assert set(table) == set(ACTORS), f"{name}: the table must name every actor"
    pattern = PATTERNS[name]
    sent = (GET,) if name.startswith("admin:") else (GET, POST)
    wrong, tried = [], 0
    for actor in ACTORS:
        if actor == MTM_STAFF and MTM_STAFF not in world.staff:
            continue  # no MTM-personal group in this database
        for subject, kwargs in subjects(name, pattern, world).items():
            expected = table[actor]
            # One outcome for every sample, or one per sample.
            if subject != "-" and isinstance(expected, dict) and GET not in expected:
                assert subject in expected, f"{name}: classify sample {subject!r} for {actor}"
                expected = expected[subject]
            url = reverse(name, kwargs=kwargs)
            for method in sent:
                savepoint = transaction.savepoint()
                try:
                    log_in_as(client, world, actor)
                    response = getattr(client, method.lower())(url)
                finally:
                    transaction.savepoint_rollback(savepoint)
                tried += 1
                if not judge(expected, method, methods, response):
                    shown = expected[method] if isinstance(expected, dict) else expected
                    wrong.append(
                        f"{method} {url} as {actor} (sample {subject}): "
                        f"expected {shown}, got {describe(response)}"
                    )
    matrix_counter(tried)
    assert not wrong, f"{len(wrong)} of {tried} cases of {name} are wrong:\n" + "\n".join(wrong)
