"""The second factor for staff (django-otp): TOTP (RFC 6238) with ten single-use
recovery codes, and passkeys (django-otp-webauthn). README "Tvåstegsverifiering".

- Required for MTM staff (is_staff) always: the admin is unreachable without it.
- Required for library staff when STAFF_MFA_REQUIRED (default: not DEBUG).
- A verified session holds django-otp's device id (django_otp.login); the
  middleware (accounts.middleware.SecondFactorMiddleware) sends an unverified
  session to the code page, or to enrolment when the person has no device yet.
"""

import io
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from audit.log import record
from audit.models import Action

RECOVERY_CODES = 10
TOTP_NAME = "app"
RECOVERY_NAME = "recovery"


def required_for(user) -> bool:
    return bool(user.is_staff or settings.STAFF_MFA_REQUIRED)


def has_second_factor(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def has_passkey(user) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed app device being enrolled (a fresh key on the first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def base32_key(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


def key_in_groups(device: TOTPDevice) -> str:
    """The key as people type it into an app: groups of four."""
    key = base32_key(device).rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG (made here: no third-party service)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]  # without the XML declaration


@transaction.atomic
def confirm_totp(device: TOTPDevice, code: str) -> list[str] | None:
    """The code from the app confirms the device; returns the new recovery codes
    (shown once), or None when the code is wrong."""
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    record(Action.SECOND_FACTOR_ADDED, actor=device.user, kind="totp")
    return new_recovery_codes(device.user)


def new_recovery_codes(user) -> list[str]:
    """Ten fresh single-use codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def reset(user, *, by) -> int:
    """MTM in the admin: every device of the person goes (audited). They enrol anew
    at their next login; their sessions end with them."""
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    record(Action.SECOND_FACTOR_RESET, actor=by, staff_user=user.pk, devices=removed)
    return removed
