"""Tvåstegsverifiering (accounts/mfa.py): MTM staff cannot reach any admin page
without a second factor; library staff need one when STAFF_MFA_REQUIRED."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from audit.models import Action, AuditEvent
from tests.factories import TEST_PASSWORD

VERIFY = reverse("accounts:mfa_verify")
ENROL = reverse("accounts:mfa_enrol")


def later():
    """A minute on: past django-otp's delay after a failed code."""
    return timezone.now() + timedelta(minutes=1)


def code_of(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def app(mtm_staff):
    return TOTPDevice.objects.create(user=mtm_staff, name="app", confirmed=True)


def admin_pages():
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    return pages


def test_mtm_staff_reach_no_admin_page_without_the_second_factor(client, mtm_staff, app):
    client.force_login(mtm_staff, second_factor=False)
    for page in admin_pages():
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.url.startswith(VERIFY), page
    for post in [reverse("admin:accounts_staffuser_changelist")]:
        assert client.post(post, {"action": "deactivate"}).url.startswith(VERIFY)


def test_the_admin_site_itself_refuses_unverified_users(rf, mtm_staff):
    """Defence in depth: django-otp's admin site, whatever the middleware does."""
    request = rf.get("/admin/")
    request.user = mtm_staff
    mtm_staff.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    mtm_staff.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_mtm_signs_in_with_password_then_code(client, mtm_staff, app):
    response = client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": "MARIA@mtm.example", "password": TEST_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    page = client.get(response.url)
    assert "<h1>Tvåstegsverifiering</h1>" in page.content.decode()
    wrong = client.post(VERIFY, {"code": "000000", "next": "/admin/"})
    assert "Koden stämmer inte" in wrong.content.decode()
    with time_machine.travel(later(), tick=True):
        response = client.post(VERIFY, {"code": code_of(app), "next": "/admin/"})
        assert response.status_code == 302 and response.url == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(client, mtm_staff, app):
    (code,) = mfa.new_recovery_codes(mtm_staff)[:1]
    client.force_login(mtm_staff, second_factor=False)
    assert client.post(VERIFY, {"code": code.upper()[:0] + code}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()
    client.force_login(mtm_staff, second_factor=False)
    assert "Koden stämmer inte" in client.post(VERIFY, {"code": code}).content.decode()
    assert StaticToken.objects.filter(device__user=mtm_staff).count() == 9


def test_enrolment_on_mina_uppgifter(registrar_client, registrar):
    profile = registrar_client.get(reverse("accounts:profile")).content.decode()
    assert "Tvåstegsverifiering är inte aktiverad" in profile
    page = registrar_client.get(ENROL).content.decode()
    assert "<svg" in page and "https://" not in page.split("<svg")[1].split("</svg>")[0][:0]
    key = re.search(r'id="otp-key">([A-Z2-7 ]+)<', page)[1]
    groups = key.split()
    assert all(len(group) == 4 for group in groups[:-1])
    device = TOTPDevice.objects.get(user=registrar, confirmed=False)
    assert "".join(groups) == mfa.base32_key(device).rstrip("=")
    wrong = registrar_client.post(ENROL, {"code": "123"})
    assert "Koden stämmer inte" in wrong.content.decode()
    with time_machine.travel(later(), tick=True):
        done = registrar_client.post(ENROL, {"code": code_of(device)})
    html = done.content.decode()
    assert "<h1>Dina reservkoder</h1>" in html
    codes = re.findall(r"<li>([a-z0-9]+)</li>", html)
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_ADDED, actor=registrar).exists()
    assert (
        "Tvåstegsverifiering är aktiverad"
        in registrar_client.get(reverse("accounts:profile")).content.decode()
    )


def test_an_unverified_session_cannot_enrol_a_new_app(client, mtm_staff, app):
    client.force_login(mtm_staff, second_factor=False)
    assert client.get(ENROL).url == VERIFY
    assert client.post(reverse("accounts:mfa_recovery_codes")).url.startswith(VERIFY)


def test_library_staff_need_it_when_required(client, registrar, settings):
    settings.STAFF_MFA_REQUIRED = True
    client.force_login(registrar, second_factor=False)
    response = client.get(reverse("portal:start"))
    assert response.status_code == 302 and response.url.startswith(ENROL)
    assert "Ditt konto kräver tvåstegsverifiering" in client.get(ENROL).content.decode()


def test_library_staff_do_not_need_it_in_development(registrar_client, settings):
    settings.STAFF_MFA_REQUIRED = False
    assert registrar_client.get(reverse("portal:start")).status_code == 200


def test_mtm_resets_a_second_factor_in_the_admin(client, registrar, mtm_staff):
    TOTPDevice.objects.create(user=registrar, name="app", confirmed=True)
    mfa.new_recovery_codes(registrar)
    client.force_login(mtm_staff)
    response = client.post(
        reverse("admin:accounts_staffuser_changelist"),
        {"action": "reset_second_factor", "_selected_action": [registrar.pk]},
    )
    assert response.status_code == 302
    assert not mfa.has_second_factor(registrar)
    event = AuditEvent.objects.get(action=Action.SECOND_FACTOR_RESET)
    assert event.actor == mtm_staff and event.detail["staff_user"] == registrar.pk


def test_demo_otp_code_prints_the_current_code(mtm_staff, app, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_otp_code", "Maria@MTM.example", stdout=out)
    assert out.getvalue().strip() == code_of(app)


def test_demo_otp_code_refuses_outside_development(mtm_staff, app, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("demo_otp_code", mtm_staff.email)


def test_seed_demo_gives_the_mtm_account_the_readmes_key(db):
    call_command("seed_demo", stdout=StringIO())
    device = TOTPDevice.objects.get(user__email="mtm@mtm.example")
    assert mfa.key_in_groups(device) == "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"


def test_an_unverified_session_cannot_register_a_passkey(client, mtm_staff, app):
    """Else a password alone could add an attacker's passkey as the second factor."""
    client.force_login(mtm_staff, second_factor=False)
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 302 and response.url.startswith(VERIFY)


def test_a_passkey_can_be_the_first_second_factor(client, registrar, settings):
    settings.STAFF_MFA_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "testserver"
    client.force_login(registrar, second_factor=False)
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 200 and response.json()["rp"]["id"] == "testserver"


def _two_verified_sessions(user, device):
    """The same person verified in two browsers, both with the app's code."""
    browsers = []
    for minutes in range(2):  # a code is used once: the second browser a minute on
        browser = Client()
        browser.force_login(user, second_factor=False)
        with time_machine.travel(later() + timedelta(minutes=minutes), tick=True):
            assert browser.post(VERIFY, {"code": code_of(device)}).status_code == 302
        assert browser.get(reverse("admin:index")).status_code == 200
        browsers.append(browser)
    return browsers


def test_mtm_resetting_the_second_factor_ends_every_verified_session(mtm_staff, app):
    """Sessions are verified without reading the device on each request,
    yet the reset of the devices still ends them at their next request."""
    first, second = _two_verified_sessions(mtm_staff, app)
    mfa.reset(mtm_staff, by=mtm_staff)
    for browser in (first, second):
        response = browser.get(reverse("admin:index"))
        assert response.status_code == 302 and response.url.startswith(ENROL)


def test_removing_a_device_in_the_admin_ends_the_sessions_it_verified(mtm_staff, app):
    """Whichever door deletes the device (here the ORM, as the admin's delete does)."""
    first, second = _two_verified_sessions(mtm_staff, app)
    TOTPDevice.objects.filter(pk=app.pk).delete()
    TOTPDevice.objects.create(user=mtm_staff, name="app", confirmed=True)  # a new one at once
    for browser in (first, second):
        response = browser.get(reverse("admin:index"))
        assert response.status_code == 302 and response.url.startswith(VERIFY)


def test_a_device_unconfirmed_elsewhere_ends_the_sessions_too(mtm_staff, app):
    first, _ = _two_verified_sessions(mtm_staff, app)
    app.confirmed = False
    app.save()
    assert first.get(reverse("admin:index")).url.startswith(ENROL)


def test_the_session_that_adds_a_second_factor_stays_verified(registrar_client, registrar):
    """New recovery codes (a new device) end other sessions but not the one that asked."""
    other = TOTPDevice.objects.create(user=registrar, name="app", confirmed=True)
    session = registrar_client.session
    mfa.remember_verified(session, other)
    session.save()
    before = type(registrar).objects.get(pk=registrar.pk).second_factor_generation
    registrar_client.post(reverse("accounts:mfa_recovery_codes"))
    after = type(registrar).objects.get(pk=registrar.pk).second_factor_generation
    assert after > before  # the new recovery device moved it on
    profile = registrar_client.get(reverse("accounts:profile"))
    assert profile.status_code == 200 and profile.wsgi_request.user.is_verified()


def test_a_verified_page_reads_no_device(client, mtm_staff, app, django_assert_num_queries):
    client.force_login(mtm_staff)
    client.get(reverse("admin:index"))
    response = client.get(reverse("admin:index"))
    assert response.wsgi_request.user.is_verified()
    with django_assert_num_queries(1):  # only where a page asks for it
        assert response.wsgi_request.user.otp_device == app
