"""Screenshots of the main pages at 1280 and 320 CSS px, from the demo data.

    make screenshots                      # or: uv run python scripts/screenshots.py
    SCREENSHOT_PORT=8123 make screenshots

Builds a throw-away SQLite database with `seed_demo`, serves it with runserver on
127.0.0.1:$SCREENSHOT_PORT (default 8765), logs in as the demo accounts in Debian's
Chromium ($CHROMIUM, default /usr/bin/chromium) and writes PNG files to
docs/screenshots/ (README.md links them). Nothing outside the temporary folder is
changed but the images.
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORT = int(os.environ.get("SCREENSHOT_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "Demo-register-2026"  # noqa: S105 (README: the password of every demo account)
REGISTRAR = "registrerare@stadsbibliotek.example"
MTM = "mtm@mtm.example"
#: Tall pages are cut here, so that the images stay small.
MAX_HEIGHT = {1280: 1100, 320: 1400}


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def serve(env: dict) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # A busy machine can take a minute to run the system checks and start.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{BASE}/konto/logga-in/", timeout=1)  # noqa: S310 (local)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"The server did not start on {BASE}")


def log_in(context, email: str, path: str = "/konto/logga-in/") -> None:
    page = context.new_page()
    page.goto(BASE + path)
    page.locator("input[name=username]").fill(email)  # the staff login and the admin's
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form [type=submit]").first.click()
    page.wait_for_load_state()
    page.close()


def shoot(context, name: str, path: str, width: int, step=None) -> None:
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800 if width > 400 else 640})
    page.goto(BASE + path)
    if step:
        step(page)
    page.wait_for_load_state()
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT[width])
    target = OUT / f"{name}-{width}.png"
    page.screenshot(
        path=target, clip={"x": 0, "y": 0, "width": width, "height": height}, full_page=True
    )
    print(f"{target.relative_to(ROOT)}")
    page.close()


def search(text: str):
    def step(page):
        page.get_by_label("Sök användare").fill(text)
        with page.expect_navigation():
            page.get_by_role("button", name="Sök", exact=True).click()

    return step


def first_borrower(page):
    with page.expect_navigation():
        page.locator("main table a").first.click()


def save_empty(page):
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Spara").click()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/screenshots.sqlite3",
            "DJANGO_DEBUG": "true",
            "EMAIL_URL": "consolemail://",
        }
        manage("migrate", "--no-input", "-v", "0", env=env)
        manage("seed_demo", env=env)
        server = serve(env)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox"]
                )
                registrar = browser.new_context(locale="sv-SE")
                log_in(registrar, REGISTRAR)
                for width in (1280, 320):
                    shoot(registrar, "my-library", "/mitt-bibliotek/", width)
                    shoot(registrar, "search-results", "/mitt-bibliotek/", width, search("a"))
                    shoot(registrar, "requests", "/flytt/", width)
                shoot(registrar, "start", "/", 1280)
                shoot(registrar, "search-no-hits", "/mitt-bibliotek/", 1280, search("Zzyzx"))
                shoot(registrar, "borrower", "/lantagare/lista/samtliga/", 1280, first_borrower)
                shoot(registrar, "create-errors", "/lantagare/skapa/vuxen/", 1280, save_empty)
                shoot(registrar, "borrower", "/lantagare/lista/samtliga/", 320, first_borrower)
                staff = browser.new_context(locale="sv-SE")
                log_in(staff, MTM, "/admin/login/")
                shoot(staff, "admin-borrowers", "/admin/borrowers/borrower/", 1280)
                anonymous = browser.new_context(locale="sv-SE")
                shoot(anonymous, "mina-sidor-login", "/mina-sidor/logga-in/", 320)
                browser.close()
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
