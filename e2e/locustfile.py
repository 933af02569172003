"""Registrars doing the day's mix, for make loadtest (run by e2e/loadtest.py).

Each simulated registrar uses a session that loadtest.py opened beforehand (so
Argon2 logins are not part of the figures) and, between requests, waits 0.5-2 s
like a person reading a page; with LOADTEST_THINK=0 (make loadtest's closed-loop
mode, --no-think) it asks again as soon as an answer came, so the figures are the
stack's throughput rather than the users' pace. Only ever against 127.0.0.1 (Caddy
of the e2e stack), verifying its certificate against the stack's own CA (LOADTEST_CA).

The client is locust's FastHttpUser (geventhttpclient), which spends several times less
CPU per request than HttpUser (python-requests) on the cores the stack shares;
LOADTEST_CLIENT=requests (loadtest.py --client requests) runs the same registrars on
HttpUser for comparison. Both keep cookies in an http.cookiejar.CookieJar.
"""

import json
import os
import random
import re
from html.parser import HTMLParser
from http.cookiejar import Cookie
from itertools import count
from urllib.parse import urlencode

import gevent.ssl
from locust import FastHttpUser, HttpUser, between, constant, task
from stdnum import luhn

SESSIONS = json.loads(os.environ["LOADTEST_SESSIONS"])  # [{cookie name: value}, …]
FAST = os.environ.get("LOADTEST_CLIENT", "fast") == "fast"
_next_session = count()
BORROWER_LINK = re.compile(r'href="(/lantagare/[0-9a-f-]{36}/)"')
TRANSFER_LINK = re.compile(r'href="(/flytt/ansokan/[0-9a-f-]{36}/)"')
LISTS = ["samtliga", "vuxna", "gar-ut"]
SEARCHES = ["Andersson", "Anna", "post.example", "Lind", "Karlsson Eva"]


class FormDefaults(HTMLParser):
    """What a browser would submit from the page's first POST form as it stands."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.checkboxes: dict[str, list[str]] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            if attrs.get("type") == "checkbox":
                self.checkboxes.setdefault(name, []).append(attrs.get("value", "on"))
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
            elif attrs.get("type") not in ("radio", "submit"):
                self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = [attrs.get("value", "")]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_of(html: str) -> FormDefaults:
    parser = FormDefaults()
    parser.feed(html)
    return parser


def new_personnummer() -> str:
    """A valid personnummer born 1920-1929: seed_scale's adults are born from 1930 on,
    so only another registration of this run can take the same number."""
    birth = f"{random.randint(20, 29):02d}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    serial = f"{random.randint(1, 999):03d}"  # 000 is no individual number
    return f"19{birth}{serial}{luhn.calc_check_digit(birth + serial)}"


def verified_context(**_defaults):
    """FastHttpUser's TLS: the stack's CA only (geventhttpclient offers certifi's as cafile)."""
    return gevent.ssl.create_default_context(cafile=os.environ["LOADTEST_CA"])


def session_cookie(name: str, value: str) -> Cookie:
    # http.cookiejar files a dotless host's cookies under "<host>.local" (both clients ask
    # it to): so must we, or the server's next Set-Cookie would make a second cookie of
    # that name instead of replacing this one.
    return Cookie(
        version=0, name=name, value=value, port=None, port_specified=False,
        domain="localhost.local", domain_specified=False, domain_initial_dot=False,
        path="/", path_specified=True, secure=True, expires=None, discard=False,
        comment=None, comment_url=None, rest={},
    )  # fmt: skip


THINK = os.environ.get("LOADTEST_THINK", "1") != "0"


class Registrar(FastHttpUser if FAST else HttpUser):
    wait_time = between(0.5, 2) if THINK else constant(0)
    insecure = False  # FastHttpUser's default is not to verify
    ssl_context_factory = staticmethod(verified_context)

    def on_start(self):
        if FAST:
            self.jar = self.client.cookiejar
        else:
            self.client.verify = os.environ["LOADTEST_CA"]
            self.jar = self.client.cookies  # a RequestsCookieJar is a CookieJar
        for name, value in SESSIONS[next(_next_session) % len(SESSIONS)].items():
            self.jar.set_cookie(session_cookie(name, value))
        self.borrowers = []

    def post(self, url, data, name):
        token = next(c.value for c in self.jar if c.name == "__Host-csrftoken")
        headers = {
            "Referer": self.host + url,
            "Origin": self.host,
            # Encoded here: geventhttpclient's own encoding would not repeat a list's key.
            "Content-Type": "application/x-www-form-urlencoded",
        }
        with self.client.post(
            url,
            data=urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode(),
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{name}: {response.status_code}, not a redirect")
            return response

    @task(3)
    def start_page(self):
        self.client.get("/", name="start page")

    @task(3)
    def borrower_list(self):
        response = self.client.get(f"/lantagare/lista/{random.choice(LISTS)}/", name="list (Visa)")
        self.borrowers = BORROWER_LINK.findall(response.text) or self.borrowers

    @task(3)
    def search(self):
        response = self.post("/lantagare/sok/", {"q": random.choice(SEARCHES)}, "search (POST)")
        if response.status_code == 302:
            results = self.client.get(response.headers["location"], name="search results")
            self.borrowers = BORROWER_LINK.findall(results.text) or self.borrowers

    @task(2)
    def borrower_page(self):
        if self.borrowers:
            self.client.get(random.choice(self.borrowers), name="borrower page")

    @task(1)
    def register(self):
        page = self.client.get("/lantagare/skapa/vuxen/", name="registration form")
        form = form_of(page.text)
        number = new_personnummer()
        data = {
            **form.data,
            "identifier": number,
            # A name of its own: two "Last Testsson" born the same day at one library
            # would (rightly) get the likely-duplicate warning instead of an account.
            "first_name": "Last" + "".join("abcdefghij"[int(d)] for d in number[-5:]),
            "last_name": "Testsson",
            "email": f"last.{number}@post.example",
            "agreement": "on",
            "services": form.checkboxes.get("services", [])[:1],
        }
        data.pop("csrfmiddlewaretoken", None)
        self.post("/lantagare/skapa/vuxen/", data, "registration (POST)")

    @task(1)
    def transfer_decision(self):
        incoming = self.client.get("/flytt/", name="transfer requests")
        requests = TRANSFER_LINK.findall(incoming.text)
        if requests:
            url = random.choice(requests)
            self.client.get(url, name="transfer request")
            decision = random.choice(["accept", "reject"])
            self.post(url, {"decision": decision}, "transfer decision (POST)")
