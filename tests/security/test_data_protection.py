"""Data protection: identity numbers, names and e-mail addresses stay out of logs
and error pages; the redaction filter sits on every handler; passwords and
identity numbers are masked in error reports; the audit log cannot be changed;
deleting a borrower leaves nothing personal behind but the audit log's code."""

import io
import json
import logging
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.template import loader
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter

from audit.log import record
from audit.models import Action, AuditEvent
from borrowers.models import Borrower, ExpiryReminder
from core.logging import RedactIdentityNumbers, redact
from tests.factories import TEST_PASSWORD, BorrowerFactory

from .conftest import BORROWER, MEMBER_PASSWORD, MTM_STAFF, REGISTRAR_A, REGISTRAR_B, log_in_as

# A reserved test number, in every writing a person (or a log line) might use.
NUMBER_12 = "199801052383"
WRITINGS = [
    NUMBER_12,
    "19980105-2383",
    "9801052383",
    "980105-2383",
    "980105+2383",
    "19980105 2383",
    "980105 2383",
]
FIRST, LAST, EMAIL = "Gunvor", "Hemligsson", "gunvor.hemligsson@post.example"


def secrets_in(text: str) -> list[str]:
    lowered = text.lower()
    return [s for s in [*WRITINGS, FIRST, LAST, EMAIL] if s.lower() in lowered]


# --- the redaction filter ---------------------------------------------------------------


@pytest.mark.parametrize(
    "writing", [*WRITINGS, "19980165-2383", "980165-2383", "12-345678", "12345678"]
)
def test_the_filter_redacts_identity_numbers_in_every_writing(writing):
    assert redact(f"sökte efter {writing}.") == "sökte efter [redacted]."
    assert redact(f"id={writing}&x") == "id=[redacted]&x"


@pytest.mark.parametrize(
    "harmless",
    ["2026-11-28 09:15", "200 OK 1234 bytes", "Task id=abc123 state=RUNNING", "sida=12"],
)
def test_the_filter_leaves_ordinary_text_alone(harmless):
    assert redact(harmless) == harmless


def test_the_filter_redacts_email_addresses():
    assert EMAIL not in redact(f"to <{EMAIL}> failed")
    assert "GUNVOR" not in redact("Key (lower(email))=(GUNVOR@post.example) already exists.")


def _record(message, *args, exc_info=None):
    return logging.LogRecord("x", logging.ERROR, __file__, 1, message, args, exc_info)


def test_the_filter_redacts_arguments_and_tracebacks():
    try:
        raise ValueError(f"duplicate key (identifier)=({NUMBER_12})")
    except ValueError:
        import sys

        entry = _record("Searched for %s by %s", "980105-2383", EMAIL, exc_info=sys.exc_info())
    RedactIdentityNumbers().filter(entry)
    output = logging.Formatter().format(entry)
    assert "Traceback" in output
    assert not secrets_in(output), output


def test_the_filter_is_on_every_configured_handler():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact" in handler.get("filters", []), name
    loggers = [logging.getLogger(), *map(logging.getLogger, settings.LOGGING["loggers"])]
    live = [
        h
        for logger in loggers
        for h in logger.handlers
        if not type(h).__module__.startswith("_pytest")
    ]
    assert live, "the configured handlers are installed"
    for handler in live:
        assert any(isinstance(f, RedactIdentityNumbers) for f in handler.filters), handler


# --- nothing personal in the logs ---------------------------------------------------------


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, entry):
        text = entry.getMessage()
        if entry.exc_info:
            text += logging.Formatter().formatException(entry.exc_info)
        self.lines.append(f"{entry.name}: {text}")


@pytest.fixture
def all_logs():
    """Every record of every logger at DEBUG, before any filter (`raw`), and what
    the configured handlers really write (`written`)."""
    capture = _Capture()
    names = ["", *settings.LOGGING["loggers"], "django", "axes", "django_tasks"]
    loggers = [logging.getLogger(n) for n in names]
    levels = [logger.level for logger in loggers]
    written = io.StringIO()
    handlers = {}
    for name, logger in zip(names, loggers, strict=True):
        logger.addHandler(capture)
        if name not in PINNED:
            logger.setLevel(logging.DEBUG)
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and any(
                isinstance(f, RedactIdentityNumbers) for f in handler.filters
            ):
                handlers[id(handler)] = handler
    streams = [(handler, handler.setStream(written)) for handler in handlers.values()]
    yield capture, written
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(capture)
        logger.setLevel(level)
    for handler, stream in streams:
        handler.setStream(stream)


#: Loggers the configuration keeps above DEBUG whatever LOG_LEVEL says (settings.LOGGING).
PINNED = {"django.template", "django.db.backends"}


def test_loggers_that_would_write_personal_data_at_debug_are_pinned_above_it(monkeypatch):
    for name in PINNED:
        assert logging.getLevelName(settings.LOGGING["loggers"][name]["level"]) > logging.DEBUG


def test_the_main_flows_log_no_identity_number_name_or_email(client, world, all_logs):
    capture, written = all_logs
    registrar = world.staff[REGISTRAR_A]
    # Logging in with a password (and a failed attempt first).
    login = reverse("accounts:login")
    client.post(login, {"username": registrar.email, "password": "fel"}, REMOTE_ADDR="10.1.1.1")
    assert client.post(
        login, {"username": registrar.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.1.1.1"
    ).url == reverse("portal:start")
    # Registering.
    created = client.post(
        reverse("borrowers:create_adult"),
        {
            "library": str(world.library_a.pk),
            "identifier": "19980105-2383",
            "first_name": FIRST,
            "last_name": LAST,
            "email": EMAIL,
            "agreement": "on",
            "send_credentials": "on",
        },
    )
    assert created.status_code == 302, created.content.decode()
    borrower = Borrower.objects.get(identifier=NUMBER_12)
    # Searching in several writings, the borrower page, an edit.
    for writing in WRITINGS[:4]:
        client.post(reverse("borrowers:search"), {"q": writing}, follow=True)
    client.post(reverse("borrowers:search"), {"q": LAST}, follow=True)
    assert client.get(reverse("borrowers:detail", args=[borrower.code])).status_code == 200
    edit = client.get(reverse("borrowers:edit", args=[borrower.code]))
    assert edit.status_code == 200
    # A transfer to B, accepted there; then B deletes the account.
    client.post(reverse("transfers:confirm", args=[borrower.code, world.library_b.pk]), follow=True)
    transfer = borrower.transfer_requests.get()
    log_in_as(client, world, REGISTRAR_B)
    client.post(
        reverse("transfers:incoming_detail", args=[transfer.code]),
        {"decision": "accept"},
        follow=True,
    )
    # Mina sidor: a wrong password for the address, and the reset mail.
    other = Client()
    other.post(reverse("selfservice:login"), {"email": EMAIL, "password": "fel"})
    other.post(reverse("selfservice:forgot_password"), {"email": EMAIL})
    # A 404 for someone else's borrower, then the deletion.
    log_in_as(client, world, REGISTRAR_A)
    assert client.get(reverse("borrowers:detail", args=[borrower.code])).status_code == 404
    log_in_as(client, world, REGISTRAR_B)
    client.post(reverse("borrowers:delete", args=[borrower.code]))
    assert not Borrower.objects.filter(code=borrower.code).exists()

    assert capture.lines, "the flows were logged at all"
    leaked = [line for line in capture.lines if secrets_in(line)]
    assert not leaked, leaked
    assert not secrets_in(written.getvalue()), written.getvalue()


def test_a_server_error_shows_a_generic_page_and_logs_redacted(
    world, all_logs, monkeypatch, settings
):
    _capture, written = all_logs
    settings.DEBUG = False
    borrower = BorrowerFactory(
        library=world.library_a, identifier=NUMBER_12, first_name=FIRST, email=EMAIL
    )

    def broken(*args, **kwargs):
        raise RuntimeError(f"could not record 980105-2383 ({EMAIL})")

    monkeypatch.setattr("borrowers.views.manage.record", broken)
    client = Client(raise_request_exception=False)
    log_in_as(client, world, REGISTRAR_A)
    response = client.get(reverse("borrowers:detail", args=[borrower.code]))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Något gick fel" in html and 'lang="sv"' in html
    assert "Traceback" not in html and "RuntimeError" not in html
    assert not secrets_in(html)
    output = written.getvalue()
    assert "Internal Server Error" in output and "RuntimeError" in output
    assert "980105-2383" not in output and EMAIL not in output, output


# --- error pages ---------------------------------------------------------------------------


def assert_generic_swedish_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="sv" dir="ltr">' in html
    assert f"<h1>{heading}</h1>" in html
    assert 'href="#main-content"' in html  # the skip link of base.html
    assert reverse("portal:accessibility") in html
    for debug in ("Traceback", "Exception", "settings.py", "DEBUG", "Request Method"):
        assert debug not in html, debug


def test_404_page(client, world, settings):
    settings.DEBUG = False
    log_in_as(client, world, REGISTRAR_A)
    assert_generic_swedish_page(client.get("/finns-inte/"), 404, "Sidan finns inte")


def test_403_page(client, world, settings):
    settings.DEBUG = False
    log_in_as(client, world, MTM_STAFF)  # MTM-personal may not delete
    url = reverse("admin:borrowers_borrower_delete", args=[world.borrower_a.pk])
    assert_generic_swedish_page(client.get(url), 403, "Du har inte behörighet till sidan")


def test_400_page(client, world, settings):
    settings.DEBUG = False
    response = client.get(reverse("accounts:login"), HTTP_HOST="angripare.example")
    assert_generic_swedish_page(response, 400, "Det gick inte att hantera begäran")


def test_csrf_failure_page_and_log(world, settings, caplog):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert_generic_swedish_page(response, 403, "Formuläret kunde inte skickas")
    assert any(r.name == "django.security.csrf" for r in caplog.records)


def test_500_template_renders_without_a_request():
    html = loader.get_template("500.html").render()
    assert "Något gick fel" in html and '<html lang="sv" dir="ltr">' in html


# --- passwords and identity numbers are masked in error reports ------------------------------

SENSITIVE = [
    ("borrowers:create_adult", REGISTRAR_A, {}, ["identifier"]),
    ("borrowers:edit", REGISTRAR_A, {"code": "a"}, ["identifier"]),
    ("borrowers:search", REGISTRAR_A, {}, ["q"]),
    ("borrowers:password", REGISTRAR_A, {"code": "a"}, ["new_password1", "new_password2"]),
    ("borrowers:choose_password", None, {"token": "x"}, ["new_password1", "new_password2"]),
    ("accounts:login", None, {}, ["username", "password"]),
    (
        "accounts:profile",
        REGISTRAR_A,
        {},
        ["password-old_password", "password-new_password1", "email-password"],
    ),
    (
        "accounts:password_reset_confirm",
        None,
        {"uidb64": "MQ", "token": "set-password"},
        ["new_password1", "new_password2"],
    ),
    ("selfservice:login", None, {}, ["password"]),
    (
        "selfservice:change_password",
        BORROWER,
        {},
        ["current_password", "new_password1", "new_password2"],
    ),
    ("selfservice:reset_password", None, {}, ["new_password1", "new_password2"]),
    ("api:authenticate", None, {}, ["password"]),
]


@pytest.mark.parametrize(
    ("name", "actor", "kwargs", "fields"), SENSITIVE, ids=[s[0] for s in SENSITIVE]
)
def test_views_mask_passwords_and_identity_numbers_in_error_reports(
    client, world, name, actor, kwargs, fields
):
    if actor:
        log_in_as(client, world, actor)
    kwargs = {k: (world.borrower_a.code if v == "a" else v) for k, v in kwargs.items()}
    secret = "980105-2383 hemligt-lösenord"
    response = client.post(reverse(name, kwargs=kwargs), dict.fromkeys(fields, secret))
    request = response.wsgi_request
    shown = SafeExceptionReporterFilter().get_post_parameters(request)
    for field in fields:
        assert shown[field] != secret, f"{name} shows {field} in error reports"


# --- the audit log cannot be changed -----------------------------------------------------------


@pytest.fixture
def event(db):
    return record(Action.VIEWED)


def test_an_audit_event_cannot_be_saved_again_or_deleted(event):
    event.action = Action.DELETED
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_audit_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.DELETED)
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk, action=Action.VIEWED).exists()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'deleted' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_changes_to_the_audit_log(event, sql):
    from django.db import DatabaseError, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, action=Action.VIEWED).exists()


# --- deleting a borrower deletes their personal data everywhere --------------------------------


def _text_values():
    """(model, field, value as text) for every text-like column of every model,
    and the decoded data of every session."""
    kinds = (models.CharField, models.TextField, models.JSONField)
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, kinds)]
        if model is Session:
            for session in Session.objects.all():
                yield model, "session_data", json.dumps(session.get_decoded(), default=str)
            continue
        for field in fields:
            for value in model._default_manager.values_list(field.attname, flat=True):
                if value not in (None, "", [], {}):
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    yield model, field.name, text


def test_deleting_a_borrower_leaves_no_personal_data_but_the_audit_code(client, world):
    from transfers.models import TransferRequest

    borrower = BorrowerFactory(
        library=world.library_a,
        identifier=NUMBER_12,
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        valid_until=timezone.localdate() + timedelta(days=10),
    )
    borrower.set_password(MEMBER_PASSWORD)
    borrower.save()
    ExpiryReminder.objects.create(borrower=borrower, valid_until=borrower.valid_until)
    TransferRequest.request(borrower, to_library=world.library_b, by=world.staff[REGISTRAR_A])
    # Queued mail, audit events, a Mina sidor session, a failed login.
    log_in_as(client, world, REGISTRAR_A)
    client.post(reverse("borrowers:send_credentials", args=[borrower.code]))
    client.get(reverse("borrowers:detail", args=[borrower.code]))
    borrower_browser = Client()
    borrower_browser.post(reverse("selfservice:login"), {"email": EMAIL, "password": "fel"})
    borrower_browser.post(
        reverse("selfservice:login"), {"email": EMAIL, "password": MEMBER_PASSWORD}
    )
    assert borrower_browser.get(reverse("selfservice:details")).status_code == 200
    before = [(m.__name__, f) for m, f, text in _text_values() if secrets_in(text)]
    assert before, "the scan finds the borrower before the deletion"

    response = client.post(reverse("borrowers:delete", args=[borrower.code]))
    assert response.status_code == 302

    left = [(m.__name__, f, text[:80]) for m, f, text in _text_values() if secrets_in(text)]
    assert not left, left
    assert AuditEvent.objects.filter(borrower_code=borrower.code, action=Action.DELETED).exists()
    # The borrower's Mina sidor session is over.
    assert borrower_browser.get(reverse("selfservice:details")).status_code == 302


def test_a_remembered_search_does_not_outlive_the_borrower(client, world):
    borrower = BorrowerFactory(library=world.library_a, identifier=NUMBER_12)
    log_in_as(client, world, REGISTRAR_A)
    client.post(reverse("borrowers:search"), {"q": "980105-2383"})
    client.post(reverse("borrowers:delete", args=[borrower.code]))
    left = [(m.__name__, f) for m, f, text in _text_values() if secrets_in(text)]
    assert not left, left
