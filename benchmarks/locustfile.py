"""A bounded load test of the registrar's day, for gunicorn over plain
HTTP on 127.0.0.1 with production settings and a database filled by seed_scale.

    uv tool run --from locust locust -f benchmarks/locustfile.py --headless \\
        -u 8 -r 8 -t 60s --host http://127.0.0.1:8230

Each simulated registrar of the large library logs in once and then, without
pausing, requests the day's mix: the start page, a Visa list (any page), a name
search (the POST and its results) and a borrower page. See docs/performance.md.
"""

import random
import re

from locust import HttpUser, task

#: seed_scale's registrar of the large library and its password (benchmarks/seed.py;
#: not imported: locust runs without Django).
REGISTRAR = "registrerare.1@seed-scale.example"
STAFF_PASSWORD = "bench-lösenord-2024"  # noqa: S105 (local measurement databases only)
LISTS = ["samtliga", "huvudbiblioteket", "vuxna", "under-18", "vuxna-lma", "gar-ut"]
NAMES = ["anna", "ander", "lind", "karlsson", "eva berg", "@post.example"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BORROWER = re.compile(r'href="(/lantagare/[0-9a-f-]{36}/)"')


class Registrar(HttpUser):
    def on_start(self):
        self.borrowers = []
        page = self.fetch("/konto/logga-in/", name="login page")
        self.send(
            "/konto/logga-in/",
            {
                "username": REGISTRAR,
                "password": STAFF_PASSWORD,
                "csrfmiddlewaretoken": _token(page),
            },
            name="login",
        )

    def fetch(self, url, name):
        response = self.client.get(url, name=name)
        _plain_http(self.client.cookies)
        return response

    def send(self, url, data, name):
        response = self.client.post(url, data, name=name)
        _plain_http(self.client.cookies)
        return response

    @task(2)
    def start_page(self):
        self.fetch("/", name="Startsida")

    @task(4)
    def visa(self):
        page = self.fetch(
            f"/lantagare/lista/{random.choice(LISTS)}/?sida={random.randint(1, 3)}",
            name="Visa (a list)",
        )
        self.borrowers = BORROWER.findall(page.text)[:20] or self.borrowers

    @task(2)
    def search(self):
        page = self.fetch("/lantagare/sok/", name="Sök användare (form)")
        self.send(
            "/lantagare/sok/",
            {"q": random.choice(NAMES), "csrfmiddlewaretoken": _token(page)},
            name="Sök användare (POST and results)",
        )

    @task(2)
    def borrower(self):
        if self.borrowers:
            self.fetch(random.choice(self.borrowers), name="Låntagare")


def _token(response) -> str:
    match = TOKEN.search(response.text)
    return match.group(1) if match else ""


def _plain_http(cookies):
    """Production's cookies are Secure (__Host-): send them over this plain-HTTP
    test connection all the same."""
    for cookie in cookies:
        cookie.secure = False
