"""runserver's request log holds no secret: an unread body that the server reads as the
next "request line" (a login form with a password) is never written, a real request
line keeps only its method, path (query cut) and version, and an address is redacted
also when percent-encoded (core/logging.py)."""

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.logging import (
    UNREADABLE,
    RedactIdentityNumbers,
    RedactServerRequestLines,
    redact,
)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Hemligt-lösen-7"
BODY = f"csrfmiddlewaretoken=x&username=a%40b.se&password={PASSWORD}"


def _format(msg, *args) -> str:
    record = logging.LogRecord("django.server", logging.WARNING, __file__, 1, msg, args, None)
    for step in (RedactServerRequestLines(), RedactIdentityNumbers()):
        assert step.filter(record)
    return record.getMessage()


def test_a_body_read_as_a_request_line_is_not_written():
    line = _format('"%s" %s %s', BODY, "400", "-")
    assert PASSWORD not in line and "a%40b.se" not in line
    assert line == f'"{UNREADABLE}" 400 -'


def test_http_servers_complaint_does_not_quote_the_body():
    line = _format("code %d, message %s", 400, f"Bad request syntax ({BODY!r})")
    assert PASSWORD not in line and "b.se" not in line
    assert line.startswith("code 400, message Bad request syntax (")


def test_a_real_request_line_keeps_method_path_and_version():
    line = _format('"%s" %s %s', "GET /mina-sidor/?email=a%40b.se HTTP/1.1", "200", "512")
    assert line == '"GET /mina-sidor/?[redacted] HTTP/1.1" 200 512'


@pytest.mark.parametrize(
    "text", ["a%40b.se", "anna.svensson%40post.example", "x%2540b.se", "A%40B.SE"]
)
def test_percent_encoded_addresses_are_redacted(text):
    assert redact(f"message with {text} inside") == "message with [redacted e-mail] inside"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_runserver_writes_no_password_from_an_unread_body(tmp_path):
    """A POST whose body runs past its Content-Length: runserver reads the rest as the
    next request and logs it. The log must not hold the password or the address."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        "DJANGO_DEBUG": "true",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
    }
    log = tmp_path / "runserver.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        for _ in range(2400):  # a loaded machine takes a while to start it
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        request = (
            "POST /mina-sidor/logga-in/?email=a%40b.se HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Length: 0\r\n\r\n{BODY}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            connection.sendall(request)
            connection.shutdown(socket.SHUT_WR)
            while connection.recv(65536):
                pass
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)
    written = log.read_text()
    assert "400" in written and UNREADABLE in written  # the body was read as a line
    assert PASSWORD not in written
    assert "a%40b.se" not in written and "a@b.se" not in written
