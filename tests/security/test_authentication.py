"""What tests/accounts and tests/selfservice do not already prove about logging in:
byte-identical answers for known and unknown addresses (staff and Mina sidor,
login and reset), idle expiry measured on the clock with a sliding window, and
that a password reset by link ends the other sessions."""

import re

import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD

from .conftest import MEMBER_PASSWORD, REGISTRAR_A, log_in_as

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def normalised(response, *typed) -> str:
    """The page without its CSRF token and with what was typed replaced."""
    html = CSRF.sub(r"\1-\2", response.content.decode())
    for text in typed:
        html = html.replace(text, "TYPED")
    return html


def test_staff_login_answers_a_wrong_password_and_an_unknown_address_identically(world):
    known, unknown = world.staff[REGISTRAR_A].email, "ingen.alls@a.example"
    answers = []
    for email in (known, unknown):
        response = Client().post(
            reverse("accounts:login"),
            {"username": email, "password": "fel"},
            REMOTE_ADDR="10.2.2.2",
        )
        answers.append((response.status_code, normalised(response, email)))
    assert answers[0] == answers[1]


def test_mina_sidor_login_answers_a_wrong_password_and_an_unknown_address_identically(world):
    known, unknown = world.member.email, "ingen.alls@post.example"
    answers = []
    for email in (known, unknown):
        response = Client().post(
            reverse("selfservice:login"),
            {"email": email, "password": "fel"},
            REMOTE_ADDR="10.2.2.3",
        )
        answers.append((response.status_code, normalised(response, email)))
    assert answers[0] == answers[1]


def test_reset_requests_are_answered_identically_whether_or_not_the_address_exists(world):
    cases = [
        ("accounts:password_reset", world.staff[REGISTRAR_A].email, "ingen.alls@a.example"),
        ("selfservice:forgot_password", world.member.email, "ingen.alls@post.example"),
    ]
    for name, known, unknown in cases:
        answers = []
        for email in (known, unknown):
            client = Client()
            response = client.post(reverse(name), {"email": email})
            page = client.get(response["Location"])
            answers.append((response.status_code, response["Location"], normalised(page, email)))
        assert answers[0] == answers[1], name


def test_a_staff_session_slides_with_activity_and_ends_after_30_idle_minutes(client, world):
    with time_machine.travel("2026-11-28 09:00 +01:00", tick=False):
        log_in_as(client, world, REGISTRAR_A)
        assert client.get(reverse("portal:start")).status_code == 200
    with time_machine.travel("2026-11-28 09:25 +01:00", tick=False):
        assert client.get(reverse("portal:start")).status_code == 200
    with time_machine.travel("2026-11-28 09:54 +01:00", tick=False):
        assert client.get(reverse("portal:start")).status_code == 200  # 29 idle minutes
    with time_machine.travel("2026-11-28 10:25 +01:00", tick=False):
        response = client.get(reverse("portal:start"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_mina_sidor_session_ends_after_30_idle_minutes(world):
    client = Client()
    with time_machine.travel("2026-11-28 09:00 +01:00", tick=False):
        client.post(
            reverse("selfservice:login"), {"email": world.member.email, "password": MEMBER_PASSWORD}
        )
        assert client.get(reverse("selfservice:details")).status_code == 200
    with time_machine.travel("2026-11-28 09:31 +01:00", tick=False):
        response = client.get(reverse("selfservice:details"))
    assert response.status_code == 302 and response.url == reverse("selfservice:login")


def test_a_staff_password_reset_by_link_ends_every_other_session(world, mailoutbox):
    registrar = world.staff[REGISTRAR_A]
    elsewhere = Client()
    elsewhere.post(
        reverse("accounts:login"), {"username": registrar.email, "password": TEST_PASSWORD}
    )
    assert elsewhere.get(reverse("portal:start")).status_code == 200

    browser = Client()
    browser.post(reverse("accounts:password_reset"), {"email": registrar.email})
    link = re.search(r"https://register\.example(/konto/nytt-losenord/\S+)", mailoutbox[-1].body)
    form = browser.get(link[1], follow=True)
    new = "en-alldeles-ny-lösenordsmening"
    done = browser.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302

    response = elsewhere.get(reverse("portal:start"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
