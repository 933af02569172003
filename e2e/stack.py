"""The production processes, started together without Docker (make e2e, make loadtest).

    PostgreSQL   a private cluster (initdb in a temporary folder, its own port), so
                 a test may restart it without disturbing anyone else's database
    gunicorn     deploy/gunicorn.conf.py, DJANGO_DEBUG=false, the production settings
    db_worker    the mail worker
    Caddy        deploy/Caddyfile with only host names and ports changed, TLS from
                 Caddy's internal CA
    SMTP         e2e/smtp.py in the test process, faults switched on and off

Ports are E2E_PORT_BASE (default 8180) + 0 … 4. Every process is stopped by stop(),
also when start() fails half way.
"""

import json
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
from django_otp.oath import TOTP

from e2e.smtp import start_smtp_server

ROOT = Path(__file__).resolve().parent.parent
# Debian's PostgreSQL server binaries (initdb, pg_ctl): the newest installed version.
PG_BIN = Path(
    os.environ.get("E2E_PG_BIN")
    or max(Path("/usr/lib/postgresql").glob("*/bin"), default=Path("/usr/lib/postgresql/15/bin"))
)
PYTHON = sys.executable  # the project environment that runs the tests (uv run)


def pg_bin(name: str) -> str:
    path = PG_BIN / name
    return str(path) if path.exists() else name


class Stack:
    def __init__(self, *, port_base: int | None = None, database_url: str | None = None):
        base = port_base or int(os.environ.get("E2E_PORT_BASE", "8180"))
        self.https_port, self.http_port, self.web_port = base, base + 1, base + 2
        self.smtp_port, self.pg_port = base + 3, base + 4
        self.tmp = Path(tempfile.mkdtemp(prefix="registry-e2e-"))
        self.tmp.chmod(0o755)
        # An external database (make loadtest on a seeded one) instead of the private cluster.
        self.external_database = database_url
        self.database_url = database_url or (
            f"postgres://postgres@127.0.0.1:{self.pg_port}/registry_e2e"
        )
        self.url = f"https://localhost:{self.https_port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.smtp_controller = self.smtp = None
        self.service_token = None
        self.totp_keys: dict[str, str] = {}  # staff email -> hex key of their app (enrol_totp)
        self._secret = secrets.token_urlsafe(50)
        # The OpenID Connect signing key, as production gives it (docs/oidc.md).
        from core.oidc_keys import new_private_key_pem

        self.oidc_key = new_private_key_pem()

    # --- environment -------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        """Production settings, as compose sets them (STAFF_MFA_REQUIRED at its default, on);
        short timeouts so faults show fast."""
        return {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("DJANGO_", "DATABASE_", "STAFF_MFA_"))
            },
            "DJANGO_DEBUG": "false",
            "SECRET_KEY": self._secret,
            "AUDIT_HASH_KEY": self._secret[::-1],
            "ALLOWED_HOSTS": "localhost",
            "SITE_URL": self.url,
            "DATABASE_URL": self.database_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}",
            "TRUSTED_PROXY_COUNT": "1",
            "EMAIL_TIMEOUT": "5",
            "MAIL_LEASE_SECONDS": "8",
            "MAIL_RETRY_BASE_SECONDS": "1",
            "OIDC_RSA_PRIVATE_KEY": self.oidc_key,
            "GUNICORN_BIND": f"127.0.0.1:{self.web_port}",
            "GUNICORN_WORKERS": os.environ.get("E2E_GUNICORN_WORKERS", "2"),
            # deploy/gunicorn.conf.py's own defaults unless a load test compares others.
            **{
                name: os.environ[f"E2E_{name}"]
                for name in ("GUNICORN_THREADS", "GUNICORN_WORKER_CLASS")
                if f"E2E_{name}" in os.environ
            },
            "PYTHONUNBUFFERED": "1",
        }

    root = ROOT
    manage_command = (PYTHON, "manage.py")

    def manage(self, *args: str, check=True, timeout=600) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.manage_command, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=timeout,
        )

    def sql(self, query: str, params=(), *, dbname: str | None = None) -> list[tuple]:
        """Read the stack's database directly (the tests' view of what happened)."""
        url = self.database_url
        if dbname:
            url = url.rsplit("/", 1)[0] + "/" + dbname
        with psycopg.connect(url, autocommit=True) as connection:
            return connection.execute(query, params).fetchall()

    # --- processes ---------------------------------------------------------------

    def spawn(self, name: str, command: list[str], env=None) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_process(self, name: str, sig=signal.SIGTERM, timeout=15) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def start(self) -> "Stack":
        try:
            if not self.external_database:
                self.start_postgres()
            self.prepare_database()
            self.smtp_controller, self.smtp = start_smtp_server(self.smtp_port)
            self.start_web()
            self.start_worker()
            self.start_caddy()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for name in list(self.processes):
            self.stop_process(name)
        if self.smtp_controller:
            self.smtp_controller.stop()
            self.smtp_controller = None
        if not self.external_database and (self.tmp / "pg").exists():
            self.pg_ctl("stop", "-m", "immediate", check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # PostgreSQL ---------------------------------------------------------------

    def as_postgres_user(self, command: list[str]) -> list[str]:
        # initdb refuses to run as root.
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def pg_ctl(self, *args: str, check=True) -> subprocess.CompletedProcess:
        command = [pg_bin("pg_ctl"), "-D", str(self.tmp / "pg"), "-l", str(self.tmp / "pg.log")]
        return subprocess.run(
            self.as_postgres_user([*command, *args]), capture_output=True, text=True, check=check
        )

    def start_postgres(self) -> None:
        (self.tmp / "pg").mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.tmp / "pg", "postgres")
            (self.tmp / "pg.log").touch()
            shutil.chown(self.tmp / "pg.log", "postgres")
        subprocess.run(
            self.as_postgres_user(
                [pg_bin("initdb"), "-D", str(self.tmp / "pg"), "-U", "postgres", "-A", "trust"]
            ),
            capture_output=True,
            check=True,
        )
        options = (
            f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -k {self.tmp / 'pg'}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.pg_ctl("start", "-w", "-o", options)
        self.sql_admin("CREATE DATABASE registry_e2e")

    def restart_postgres(self) -> None:
        """Stop (fast: connections are cut) and start the private cluster."""
        self.pg_ctl("restart", "-w", "-m", "fast")

    def sql_admin(self, statement: str) -> None:
        url = self.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(statement)

    def prepare_database(self) -> None:
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        if self.external_database:
            return  # a database of its own (make loadtest: seed_scale's)
        self.manage("seed_demo")
        # The login check API's token, as MTM creates one in the admin (shown once).
        self.service_token = self.manage(
            "shell",
            "-c",
            "from selfservice.models import ServiceToken\n"
            "t = ServiceToken(name='e2e')\nprint(t.generate())\nt.save()",
        ).stdout.split()[-1]  # after the shell's own "objects imported" line

    # The second factor (STAFF_MFA_REQUIRED is on, as in production) --------------

    def enrol_totp(self, *emails: str) -> None:
        """Give each staff account an authenticator app with a fresh key the tests know
        (as enrolment would; any earlier app of theirs goes, e.g. seed_demo's)."""
        keys = {email: secrets.token_hex(20) for email in emails}
        self.manage(
            "shell",
            "-c",
            "import json\n"
            "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
            "from accounts.models import StaffUser\n"
            f"for email, key in json.loads({json.dumps(json.dumps(keys))}).items():\n"
            "    user = StaffUser.objects.get(email=email)\n"
            "    TOTPDevice.objects.filter(user=user).delete()\n"
            "    TOTPDevice.objects.create(user=user, name='e2e', key=key, confirmed=True)\n",
        )
        self.totp_keys.update(keys)

    def totp_code(self, email: str) -> str:
        """The code the person's app shows now. A code is accepted once: when this
        step's was used already (an earlier login), wait for the next, as a person would."""
        [(last_t,)] = self.sql(
            "SELECT d.last_t FROM otp_totp_totpdevice d"
            " JOIN accounts_staffuser u ON u.id = d.user_id WHERE u.email = %s",
            (email,),
        )
        totp = TOTP(bytes.fromhex(self.totp_keys[email]))
        while totp.t() <= last_t:
            time.sleep(totp.step - time.time() % totp.step + 0.1)
        return f"{totp.token():06d}"

    # gunicorn, worker, Caddy ----------------------------------------------------

    def start_web(self) -> None:
        self.spawn(
            "gunicorn",
            [PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
        )
        # Plain HTTP straight to gunicorn: /healthz is exempt from the HTTPS redirect.
        self.wait_for(f"http://127.0.0.1:{self.web_port}/healthz", "gunicorn")

    def start_worker(self) -> subprocess.Popen:
        return self.spawn(
            "worker", [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"]
        )

    def caddyfile(self) -> str:
        """deploy/Caddyfile with only the upstream and the ports changed."""
        production = (ROOT / "deploy" / "Caddyfile").read_text()
        assert "web:8000" in production, "deploy/Caddyfile's upstream moved: update e2e/stack.py"
        # Caddy allows one global options block, first: the test's options join the
        # production file's own (its default log filter stays as in production).
        assert "\n{\n" in production, "deploy/Caddyfile's global options block moved"
        test_options = (
            "\tadmin off\n"
            f"\thttp_port {self.http_port}\n"
            f"\thttps_port {self.https_port}\n"
            "\tlocal_certs\n"
            "\tskip_install_trust\n"
            f"\tstorage file_system {self.tmp / 'caddy'}\n"
        )
        production = production.replace("\n{\n", "\n{\n" + test_options, 1)
        return production.replace("web:8000", f"127.0.0.1:{self.web_port}")

    def start_caddy(self) -> None:
        config = self.tmp / "Caddyfile"
        config.write_text(self.caddyfile())
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.tmp),
            "XDG_DATA_HOME": str(self.tmp / "xdg"),
            "XDG_CONFIG_HOME": str(self.tmp / "xdg"),
            "SITE_HOST": f"localhost:{self.https_port}",
        }
        caddy = shutil.which("caddy") or "caddy"
        self.spawn("caddy", [caddy, "run", "--config", str(config), "--adapter", "caddyfile"], env)
        deadline = time.monotonic() + 30
        while not self.ca_file.exists():
            if time.monotonic() > deadline or self.processes["caddy"].poll() is not None:
                raise RuntimeError(f"Caddy did not start:\n{self.log('caddy')}")
            time.sleep(0.2)
        self.wait_for(f"{self.url}/healthz", "Caddy")

    @property
    def ca_file(self) -> Path:
        return self.tmp / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    def tls_context(self) -> ssl.SSLContext:
        """Verifies Caddy's certificate against its own root: TLS as a client sees it."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    def wait_for(self, url: str, what: str, timeout=60) -> None:
        context = self.tls_context() if url.startswith("https") else None
        # Straight to gunicorn the Host must still be an allowed host (as in compose's check).
        request = urllib.request.Request(url, headers={"Host": "localhost"})
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5, context=context) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, ssl.SSLError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {n}\n{self.log(n)[-3000:]}" for n in self.processes)
                raise RuntimeError(f"{what} did not answer {url}\n{logs}")
            time.sleep(0.3)
