"""No live token in gunicorn's or Caddy's access log or Django's log lines (docs/security.md,
"No secret in any log"): the set-password flows run through a real gunicorn started
with the repo's deploy/gunicorn.conf.py, a link goes through Caddy with the repo's
deploy/Caddyfile, and the tests grep everything they wrote.

The server gets its own SQLite file, migrated by a subprocess: the test database
of pytest-django is not reachable from another process.
"""

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORT = 8171
BASE = f"http://127.0.0.1:{PORT}"

MINT_LINKS = """
from accounts.mails import _set_password_link
from audit.log import keyed_hash
from borrowers.mails import credentials
from selfservice.mails import password_reset
from tests.factories import BorrowerFactory, LibraryFactory, StaffFactory

library = LibraryFactory()
staff = StaffFactory(email="ny@logg.example", library=library)
newcomer = BorrowerFactory(library=library, email="nora@logg.example")
forgetful = BorrowerFactory(library=library, email="olle@logg.example")
print(_set_password_link(staff))
print(credentials({"borrower": newcomer.pk})["link"])
reset = {"borrower": forgetful.pk, "email_hash": keyed_hash(forgetful.email.lower())}
print(password_reset(reset)["link"])
"""


def _env(tmp_path):
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        "DJANGO_DEBUG": "true",
        "SITE_URL": BASE,
        "LOG_LEVEL": "DEBUG",  # the most Django would ever write
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
    }


def _manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    ).stdout


@pytest.fixture
def gunicorn(tmp_path):
    env = _env(tmp_path)
    _manage(env, "migrate", "--no-input", "-v", "0")
    links = [line for line in _manage(env, "shell", "-c", MINT_LINKS).split() if "?token=" in line]
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "-c",
                "deploy/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                "1",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=1)  # noqa: S310 (http, local)
                break
            except OSError:
                time.sleep(0.1)
        yield links, log
    finally:
        server.terminate()
        server.wait(timeout=10)


def _choose_password(opener, link: str, password: str) -> str:
    """Open the mailed link like a browser and submit the form; the final URL."""
    page = opener.open(link)
    here, html = page.geturl(), page.read().decode()
    assert "?" not in here, "the form must be on a token-less address"
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf, "new_password1": password, "new_password2": password}
    ).encode()
    submit = urllib.request.Request(here, data=data, headers={"Referer": here})  # noqa: S310
    return opener.open(submit).geturl()


def test_no_live_token_in_gunicorns_log(gunicorn):
    links, log = gunicorn
    assert len(links) == 3  # staff welcome/reset, login details, Glömt lösenord
    done = []
    for link in links:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        done.append(_choose_password(opener, link, "en lång mening om loggar"))
    assert done == [
        f"{BASE}/konto/nytt-losenord/klart/",
        f"{BASE}/lantagare/losenord/klart/",
        f"{BASE}/mina-sidor/logga-in/",
    ]
    time.sleep(0.3)  # the last access line
    written = log.read_text()
    assert '"GET /konto/nytt-losenord/' in written  # the access log was written
    assert '"POST /lantagare/losenord/valj/' in written
    for link in links:
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
        assert len(token) > 20
        assert token not in written and urllib.parse.quote(token) not in written
    assert "token=" not in written


# -- Caddy ---------------------------------------------------------------------------


CADDY_PORT = 8172


@pytest.mark.skipif(shutil.which("caddy") is None, reason="needs the caddy binary")
def test_caddy_logs_no_token_and_keeps_the_admin_to_mtms_network(tmp_path):
    """The repo's Caddyfile, served on a local port (its own admin port, no TLS); the
    upstream `web` does not exist here, which does not matter to the log line."""
    config = tmp_path / "Caddyfile"
    repo_config = (ROOT / "deploy/Caddyfile").read_text()
    assert "\n{\n" in repo_config  # the global options block, with the default log
    config.write_text(
        repo_config.replace("\n{\n", f"\n{{\n\tadmin 127.0.0.1:{CADDY_PORT + 1}\n", 1)
    )
    env = {
        **os.environ,
        "SITE_HOST": f"http://127.0.0.1:{CADDY_PORT}",
        "HOME": str(tmp_path),
        "ADMIN_ALLOWED_NETWORKS": "10.99.0.0/16 192.0.2.0/24",
    }
    log = tmp_path / "caddy.log"
    secret = "nyckel-som-aldrig-far-loggas-0123456789"
    with log.open("w") as out:
        caddy = subprocess.Popen(
            ["caddy", "run", "--config", str(config), "--adapter", "caddyfile"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{CADDY_PORT}/konto/nytt-losenord/MQ/?token={secret}"
        for _ in range(100):
            try:
                urllib.request.urlopen(
                    urllib.request.Request(url, headers={"Referer": f"{url}&r=1"}), timeout=2
                )
            except urllib.error.HTTPError:
                break  # 502: no upstream, and the request was logged
            except OSError:
                time.sleep(0.1)
        # The admin only from ADMIN_ALLOWED_NETWORKS (this test comes from 127.0.0.1).
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{CADDY_PORT}/admin/login/", timeout=2)
        assert refused.value.code == 403
        time.sleep(0.5)
    finally:
        caddy.terminate()
        caddy.wait(timeout=10)
    written = log.read_text()
    assert '"uri":"/konto/nytt-losenord/MQ/"' in written
    assert secret not in written and "token=" not in written


# -- Django's own log lines -------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        '"GET /konto/nytt-losenord/MQ/?token=diwk03-1ce51169dc3e5d05 HTTP/1.1" 302 0',
        '"GET /mina-sidor/nytt-losenord/?token=.eJwNysERwC:1xYJn9:ty0f6oQe4 HTTP/1.1" 302 0',
        # Links mailed before the query form, still served:
        '"GET /lantagare/losenord/.eJwNysERwC:1xYJn9:ty0f6oQe4/ HTTP/1.1" 200 3448',
        '"GET /konto/nytt-losenord/MQ/diwk03-1ce51169dc3e5d05/ HTTP/1.1" 302 0',
    ],
)
def test_djangos_log_lines_lose_the_token(line):
    from core.logging import redact

    assert not re.search(r"diwk03|ty0f6oQe4", redact(line))


def test_runservers_request_lines_are_redacted(settings):
    assert "redact" in settings.LOGGING["handlers"]["django.server"]["filters"]
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["django.server"]
