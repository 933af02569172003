"""Passkeys (django-otp-webauthn) in Chromium with its virtual authenticator:
registered on the enrolment page, then used as the second factor into the admin.
The package's scripts are served from our static files under the project's CSP."""

import pytest
from django.conf import settings as django_settings
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def authenticator(page, live_server, settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")  # a secure context
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def session_in_browser(page, live_server, client, user, *, second_factor):
    client.logout()  # a fresh session
    client.force_login(user, second_factor=second_factor)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_passkey_is_registered_and_then_used_to_reach_the_admin(
    page, live_server, client, authenticator, mtm_staff
):
    errors, missing = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)

    session_in_browser(page, live_server, client, mtm_staff, second_factor=True)
    page.goto("/konto/tvastegsverifiering/aktivera/")
    button = page.get_by_role("button", name="Lägg till en nyckel (passkey)")
    assert_accessible(page)
    button.click()
    expect(page.get_by_role("status").filter(has_text="Nyckeln är tillagd")).to_be_visible()
    assert WebAuthnCredential.objects.filter(user=mtm_staff, confirmed=True).count() == 1

    # A new sign-in: password done, second factor not yet.
    session_in_browser(page, live_server, client, mtm_staff, second_factor=False)
    page.goto("/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåstegsverifiering")
    assert_accessible(page)
    page.get_by_role("button", name="Använd en nyckel (passkey)").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert not [url for url in missing if not url.endswith(".map")], missing
