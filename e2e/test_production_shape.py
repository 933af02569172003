"""The registry as it runs in production: Chromium over HTTPS through Caddy to
gunicorn (DJANGO_DEBUG=false), mail through the worker to an SMTP server."""

import json
import re
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from e2e.conftest import (
    HEAD_ADMIN,
    REGISTRAR,
    VERIFY_URL,
    NoRedirect,
    enter_code,
    enter_password,
    fetch,
    link_in,
    log_in,
    session_cookies,
    wait_until,
)

AGREEMENT = "Jag förbinder mig att följa MTM:s låneregler"
IDENTIFIER = "19850113-9995"  # Skatteverket's test number
BORROWER_EMAIL = "e2e.nora@post.example"
BORROWER_PASSWORD = "blå-sommar-eka-e2e"


def test_a_registrar_registers_a_borrower_who_chooses_a_password_and_logs_in_through_the_api(
    stack, smtp, new_page, proved
):
    page = log_in(stack, new_page(), REGISTRAR)
    page.goto("/lantagare/skapa/vuxen/")
    page.get_by_label("Person-/Samordningsnummer").fill(IDENTIFIER)
    page.get_by_label("Förnamn").fill("Nora")
    page.get_by_label("Efternamn").fill("Ende")
    page.get_by_label("E-post", exact=True).fill(BORROWER_EMAIL)
    page.get_by_label("Laddare").check()
    page.get_by_label(AGREEMENT).check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(re.compile(r"/lantagare/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nora Ende")

    [mail] = wait_until(lambda: smtp.delivered_to(BORROWER_EMAIL), "the credentials mail")
    link = link_in(mail)
    assert link.startswith(f"{stack.url}/lantagare/losenord/")
    assert re.fullmatch(r"<mail-\d+\.\d+@localhost>", mail["Message-ID"])

    borrower_page = new_page()
    borrower_page.goto(link)
    borrower_page.get_by_label("Nytt lösenord", exact=True).fill(BORROWER_PASSWORD)
    borrower_page.get_by_label("Upprepa nytt lösenord").fill(BORROWER_PASSWORD)
    borrower_page.get_by_role("button", name="Spara").click()
    expect(borrower_page.get_by_role("heading", level=1)).to_have_text("Ditt lösenord är sparat")

    status, body = fetch(
        stack,
        "/api/v1/authenticate",
        data=json.dumps({"email": BORROWER_EMAIL, "password": BORROWER_PASSWORD}).encode(),
        headers={
            "Authorization": f"Bearer {stack.service_token}",
            "Content-Type": "application/json",
        },
    )
    assert status == 200 and json.loads(body)["ok"] is True, body
    proved(
        "a registrar logged in over HTTPS (Caddy, internal CA) to gunicorn with production "
        "settings, registered a borrower; the worker delivered the credentials mail; its "
        "set-password link worked; the login check API answered ok for that borrower"
    )

    logs = "\n".join(stack.log(name) for name in ("gunicorn", "worker", "caddy"))
    for secret in ("198501139995", "850113", stack.service_token, BORROWER_PASSWORD):
        assert secret not in logs
    assert "/lantagare/skapa/vuxen/" in stack.log("gunicorn")  # the access log is written
    proved("no identity number, token or password in gunicorn's, the worker's or Caddy's log")


def test_cookies_are_secure_and_host_only_and_static_files_are_served(stack, new_page, proved):
    page = log_in(stack, new_page(), REGISTRAR)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert set(cookies) >= {"__Host-sessionid", "__Host-csrftoken"}, cookies
    for cookie in cookies.values():
        assert cookie["secure"] and cookie["path"] == "/" and cookie["domain"] == "localhost"
    assert cookies["__Host-sessionid"]["httpOnly"]

    stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet  # the manifest's name
    response = page.request.get(stylesheet)
    assert response.status == 200 and response.headers["content-type"].startswith("text/css")
    assert "immutable" in response.headers["cache-control"]
    assert page.request.get("/static/does-not-exist.css").status == 404

    start = page.request.get("/")
    assert "max-age=31536000" in start.headers["strict-transport-security"]
    assert "no-store" in start.headers["cache-control"]
    assert "server" not in start.headers
    proved(
        "cookies are __Host-sessionid/__Host-csrftoken, Secure, host-only, path /; static "
        "files are served with hashed names by WhiteNoise under gunicorn; HSTS and no-store set"
    )


def test_a_cross_origin_post_is_refused(stack, new_page, proved):
    page = log_in(stack, new_page(), REGISTRAR)
    token = session_cookies(page)["__Host-csrftoken"]
    form = {"csrfmiddlewaretoken": token}
    evil = page.request.post(
        "/sessionen/fortsatt/", form=form, headers={"Origin": "https://evil.example"}
    )
    assert evil.status == 403
    same = page.request.post("/sessionen/fortsatt/", form=form, headers={"Origin": stack.url})
    assert same.status == 204
    proved("a POST from another origin is refused (403); the same POST from the site passes")


def test_plain_http_is_redirected_and_healthz_reports(stack, proved):
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(f"http://localhost:{stack.http_port}/konto/logga-in/", timeout=5)
    assert redirect.value.code in (301, 308)
    # To the standard HTTPS port: production listens on 80 and 443 (the test on others).
    assert redirect.value.headers["Location"] == "https://localhost/konto/logga-in/"
    status, body = fetch(stack, "/healthz")
    assert status == 200 and body.startswith("database: ok\nmigrations: ok\nmail: ok")
    proved(
        f"plain HTTP is redirected to HTTPS; /healthz through Caddy: {'; '.join(body.splitlines())}"
    )


def test_staff_sign_in_needs_the_second_factor(stack, new_page, proved):
    page = enter_password(new_page(), HEAD_ADMIN)  # library staff, not MTM
    cookies = session_cookies(page)
    for path in ("/", "/lantagare/lista/samtliga/", "/lantagare/skapa/vuxen/"):
        page.goto(path)
        assert VERIFY_URL in page.url, (path, page.url)
        assert fetch(stack, path, cookies=cookies)[0] == 302  # the same session, no browser

    right = stack.totp_code(HEAD_ADMIN)
    enter_code(page, f"{(int(right) + 1) % 1_000_000:06d}")
    assert VERIFY_URL in page.url
    expect(page.locator("#id_code_error")).to_be_visible()
    time.sleep(1.1)  # django-otp's delay after a wrong code
    enter_code(page, stack.totp_code(HEAD_ADMIN))
    assert page.url == f"{stack.url}/lantagare/skapa/vuxen/", page.url  # the page asked for
    assert fetch(stack, "/lantagare/lista/samtliga/", cookies=session_cookies(page))[0] == 200
    proved(
        "staff sign-in needs the second factor (STAFF_MFA_REQUIRED at its production "
        "default): after the password alone the start page, the lists and registration "
        "redirect to Tvåstegsverifiering (302), a wrong code is refused, the app's current "
        "TOTP code lets the head admin in, to the page asked for"
    )
