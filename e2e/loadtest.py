"""make loadtest: registrars doing the day's mix against the e2e stack, at 1, 8 and 32
concurrent users, with locust headless; prints throughput, p50, p95, p99 and errors.

    python -m e2e.loadtest --database-url postgres://…/registry_loadtest [--users 1,8,32] [--seconds 30]
        [--no-think] [--client fast|requests]

--no-think is the closed-loop mode for throughput: every user asks again as soon as
its answer came (no reading time), so req/s is what the stack serves, not what the
users ask for (with 0.5-2 s of reading, 8 users ask for about 6 req/s).

--client: locust's FastHttpUser (fast, the default: geventhttpclient, several times
less CPU per request, which the load generator takes from the stack's own 2 cores) or
HttpUser (requests), to compare the two.

The database must already be migrated and seeded by `manage.py seed_scale` under the
bench's settings, DJANGO_SETTINGS_MODULE=benchmarks.settings (make loadtest does both): its registrars (registrerare.N@seed-scale.example) are the
users. The stack (gunicorn, worker, Caddy, SMTP) is started on it and stopped at the
end; locust only ever talks to Caddy on localhost. Not part of make test or CI.
"""

import argparse
import csv
import http.cookiejar
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from e2e.stack import ROOT, Stack

STAFF_PASSWORD = "bench-lösenord-2024"  # seed_scale's, for local databases only
LARGE_LIBRARY = "Storstadens stadsbibliotek"
VERIFY_PATH = "/konto/tvastegsverifiering/"


def registrar_emails(stack: Stack, how_many: int) -> list[str]:
    """The large library's registrar first (the heaviest lists), then others."""
    rows = stack.sql(
        "SELECT s.email FROM accounts_staffuser s JOIN libraries_library l ON l.id = s.library_id"
        " WHERE s.email LIKE 'registrerare.%%@seed-scale.example' AND s.is_active"
        " ORDER BY l.name = %s DESC, s.id LIMIT %s",
        (LARGE_LIBRARY, how_many),
    )
    return [email for (email,) in rows]


def log_in(stack: Stack, email: str) -> dict[str, str]:
    """A registrar's session cookies, from the real login form over HTTPS."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=stack.tls_context()),
        urllib.request.HTTPCookieProcessor(jar),
    )
    login = f"{stack.url}/konto/logga-in/"
    opener.open(login, timeout=30).read()

    def post(url, form):
        # The token as the jar has it now: logging in rotates it.
        token = next(c.value for c in jar if c.name == "__Host-csrftoken")
        form = {**form, "csrfmiddlewaretoken": token}
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(form).encode(), headers={"Referer": url}
        )
        with opener.open(request, timeout=30) as response:
            return response.geturl()

    landed = post(login, {"username": email, "password": STAFF_PASSWORD})
    if VERIFY_PATH not in landed:
        raise SystemExit(f"Could not log in as {email}: is this a seed_scale database?")
    # The second factor (STAFF_MFA_REQUIRED, on in production): the app's current code.
    landed = post(f"{stack.url}{VERIFY_PATH}", {"code": stack.totp_code(email)})
    if VERIFY_PATH in landed:
        raise SystemExit(f"The second factor of {email} was refused")
    return {c.name: c.value for c in jar}


def run_locust(
    stack: Stack,
    users: int,
    seconds: int,
    sessions: list[dict],
    *,
    think: bool = True,
    client: str = "fast",
) -> dict:
    prefix = stack.tmp / f"locust_{users}"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            "e2e/locustfile.py",
            "--headless",
            "--only-summary",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            stack.url,
            "--csv",
            str(prefix),
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "LOADTEST_SESSIONS": json.dumps(sessions),
            "LOADTEST_CA": str(stack.ca_file),
            "LOADTEST_THINK": "1" if think else "0",
            "LOADTEST_CLIENT": client,
        },
        check=False,  # locust exits 1 when any request failed: the table says so
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    failed = []
    for kind in ("failures", "exceptions"):
        with open(f"{prefix}_{kind}.csv", newline="") as problems:
            failed += list(csv.DictReader(problems))
    return {"users": users, "rows": rows, "failures": failed}


def print_table(results: list[dict]) -> None:
    print(
        f"\n{'users':>5} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6}"
    )
    for result in results:
        total = next(r for r in result["rows"] if r["Name"] == "Aggregated")
        print(
            f"{result['users']:>5} {total['Request Count']:>8} "
            f"{float(total['Requests/s']):>7.1f} {total['50%']:>7} {total['95%']:>7} "
            f"{total['99%']:>7} {total['Failure Count']:>6}"
        )
    for result in results:
        print(f"\nper request at {result['users']} users (p50 / p95 / p99 ms, count):")
        for row in result["rows"]:
            if row["Name"] != "Aggregated":
                print(
                    f"  {row['Type']:<5} {row['Name']:<26} {row['50%']:>5} / {row['95%']:>5}"
                    f" / {row['99%']:>5}  ({row['Request Count']})"
                )
        for failure in result["failures"]:
            what = failure.get("Error") or failure.get("Message") or failure
            name = failure.get("Name", "exception")
            print(f"  ERROR {name}: {what} ×{failure.get('Occurrences') or failure.get('Count')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("LOADTEST_DATABASE_URL"))
    parser.add_argument("--users", default="1,8,32")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument(
        "--no-think", action="store_true", help="closed loop: no reading time between requests"
    )
    parser.add_argument(
        "--client",
        choices=("fast", "requests"),
        default="fast",
        help="locust's FastHttpUser (default) or HttpUser",
    )
    args = parser.parse_args()
    if not args.database_url:
        sys.exit("--database-url (or LOADTEST_DATABASE_URL) is needed: a seed_scale database")
    levels = [int(n) for n in args.users.split(",")]
    os.environ.setdefault("E2E_GUNICORN_WORKERS", "3")  # deploy/gunicorn.conf.py's default

    stack = Stack(database_url=args.database_url)
    try:
        stack.start()
        print(f"uptime at the start: {subprocess.check_output(['uptime'], text=True).strip()}")
        [(borrowers,)] = stack.sql("SELECT count(*) FROM borrowers_borrower")
        gunicorn = ", ".join(
            f"{name.lower()} {os.environ.get(f'E2E_GUNICORN_{name}', 'conf default')}"
            for name in ("WORKERS", "THREADS", "WORKER_CLASS")
        )
        mode = "closed loop (no think time)" if args.no_think else "0.5–2 s think time"
        client = {"fast": "FastHttpUser", "requests": "HttpUser"}[args.client]
        print(f"{borrowers} borrowers; gunicorn: {gunicorn}; {mode}; locust {client}")
        emails = registrar_emails(stack, max(levels))
        stack.enrol_totp(*emails)  # an authenticator app each, keys known to this run
        sessions = [log_in(stack, email) for email in emails]
        results = [
            run_locust(
                stack, users, args.seconds, sessions, think=not args.no_think, client=args.client
            )
            for users in levels
        ]
        print_table(results)
        print(f"\nuptime at the end: {subprocess.check_output(['uptime'], text=True).strip()}")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
