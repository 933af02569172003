"""Tvåstegsverifiering in Chromium: enrolment on Mina uppgifter and the sign-in
with password and code, with axe on every page state and the keyboard only."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

from .conftest import ERROR_TITLE, assert_accessible

pytestmark = pytest.mark.browser


def code_for(base32_key: str) -> str:
    key = base32_key.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return f"{TOTP(b32decode(key)).token():06d}"


def test_a_registrar_turns_on_two_step_verification(page, login_as, registrar):
    login_as(registrar).goto("/konto/mina-uppgifter/")
    page.get_by_role("link", name="Aktivera tvåstegsverifiering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktivera tvåstegsverifiering")
    assert page.locator("figure.qr-code svg").count() == 1
    assert_accessible(page)
    key = page.locator("#otp-key").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{1,4}", key)

    page.get_by_label("Kod").focus()
    page.keyboard.type("123456")
    page.keyboard.press("Enter")
    expect(page).to_have_title(ERROR_TITLE)
    assert_accessible(page)

    time.sleep(1.1)  # django-otp's delay after a wrong code
    page.get_by_label("Kod").fill(code_for(key))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dina reservkoder")
    assert page.locator(".recovery-codes li").count() == 10
    assert_accessible(page)
    page.get_by_role("link", name="Fortsätt").click()
    assert TOTPDevice.objects.get(user=registrar).confirmed


def test_mtm_signs_in_to_the_admin_with_password_and_code(page, mtm_staff):
    device = TOTPDevice.objects.create(user=mtm_staff, name="app", confirmed=True)
    page.goto("/admin/")
    page.get_by_label("E-post").fill("Maria@MTM.example")
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåstegsverifiering")
    assert page.url.endswith("/konto/tvastegsverifiering/?next=%2Fadmin%2F")
    assert_accessible(page)
    page.get_by_label("Kod").focus()
    totp = TOTP(device.bin_key)
    page.keyboard.type(f"{totp.token():06d}")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/admin/$"))
