"""The idle-timeout warning's server side (WCAG 2.2.1): <body> tells app.js the
timeout and where to ping, only in a logged-in session; the ping restarts the idle
time of a staff member's or a borrower's session."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from selfservice import session as borrower_session

from .conftest import BORROWER_PASSWORD

pytestmark = pytest.mark.a11y

KEEP_ALIVE = reverse("portal:keep_alive")


def body_attributes(response) -> str:
    html = response.content.decode()
    start = html.index("<body")
    return html[start : html.index(">", start)]


def test_a_staff_page_carries_the_timeout_and_the_keep_alive_address(registrar_client, settings):
    settings.SESSION_COOKIE_AGE = 1800
    body = body_attributes(registrar_client.get(reverse("portal:start")))
    assert 'data-session-timeout="1800"' in body
    assert 'data-session-warning="120"' in body
    assert f'data-keep-alive-url="{KEEP_ALIVE}"' in body
    assert f'data-login-url="{reverse("accounts:login")}"' in body
    assert "data-csrf-token=" in body


def test_a_mina_sidor_page_carries_them_too(client, lena):
    client.post(reverse("selfservice:login"), {"email": lena.email, "password": BORROWER_PASSWORD})
    body = body_attributes(client.get(reverse("selfservice:details")))
    assert "data-session-timeout=" in body
    assert f'data-login-url="{reverse("selfservice:login")}"' in body


def test_pages_outside_a_session_have_no_warning(client):
    for url in (
        reverse("accounts:login"),
        reverse("selfservice:login"),
        reverse("portal:accessibility"),
    ):
        assert "data-session-timeout" not in body_attributes(client.get(url)), url


def test_the_ping_restarts_a_staff_sessions_idle_time(registrar_client, settings):
    settings.SESSION_COOKIE_AGE = 600
    key = registrar_client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(seconds=30)
    )
    response = registrar_client.post(KEEP_ALIVE)
    assert response.status_code == 204
    expires = Session.objects.get(session_key=key).expire_date
    assert expires > timezone.now() + timedelta(seconds=590)


def test_the_ping_restarts_a_borrowers_idle_time(client, lena):
    client.post(reverse("selfservice:login"), {"email": lena.email, "password": BORROWER_PASSWORD})
    session = client.session
    session[borrower_session.SEEN] = int(time.time()) - 60
    session.save()
    assert client.post(KEEP_ALIVE).status_code == 204
    assert client.session[borrower_session.SEEN] >= int(time.time()) - 1


def test_the_ping_says_when_there_is_no_session(client):
    assert client.post(KEEP_ALIVE).status_code == 401


def test_the_ping_is_a_post(registrar_client):
    assert registrar_client.get(KEEP_ALIVE).status_code == 405


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_page_moves_the_idle_expiry_only_once_a_fraction_of_it_has_passed(
    registrar_client, settings
):
    """No session write on every page: within the refresh window the
    expiry stays, and the page tells app.js the time actually left, never more."""
    settings.SESSION_COOKIE_AGE = 1800
    start = reverse("portal:start")
    registrar_client.get(start)
    saved = _expiry(registrar_client)
    session = registrar_client.session
    session["refreshed_at"] = time.time() - 60  # a minute ago: inside the 90 s window
    session.save()
    saved = _expiry(registrar_client)
    body = body_attributes(registrar_client.get(start))
    assert _expiry(registrar_client) == saved
    assert 'data-session-timeout="1740"' in body or 'data-session-timeout="1739"' in body

    session = registrar_client.session
    session["refreshed_at"] = time.time() - 100  # past the window: this page moves it
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=1700)
    )
    body = body_attributes(registrar_client.get(start))
    assert _expiry(registrar_client) > timezone.now() + timedelta(seconds=1790)
    assert 'data-session-timeout="1800"' in body


def test_an_idle_staff_session_still_ends_at_its_expiry(registrar_client):
    Session.objects.filter(session_key=registrar_client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = registrar_client.get(reverse("portal:start"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
