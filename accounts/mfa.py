"""The second factor for staff (django-otp): TOTP (RFC 6238) with ten single-use
recovery codes, and passkeys (django-otp-webauthn). docs/security.md, "Second factor".

- Required for MTM staff (is_staff) always: the admin is unreachable without it.
- Required for library staff when STAFF_MFA_REQUIRED (default: not DEBUG).
- A verified session holds django-otp's device id (django_otp.login) and the
  person's second-factor generation at that moment (anchor()); it stays verified
  while the generation is unchanged, which every added, removed or reset device
  changes (the signals below, whichever door: these pages, the passkey views, the
  admin). So no device is read on each request (accounts.middleware).
- The middleware (accounts.middleware.SecondFactorMiddleware) sends an unverified
  session to the code page, or to enrolment when the person has no device yet.
"""

import io
from base64 import b32encode
from contextvars import ContextVar

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from audit.log import record
from audit.models import Action

RECOVERY_CODES = 10
TOTP_NAME = "app"
RECOVERY_NAME = "recovery"
GENERATION_SESSION_KEY = "otp_generation"
DEVICE_MODELS = (TOTPDevice, StaticDevice, WebAuthnCredential)

#: The people whose generation this request moved on (VerifiedSessionMiddleware
#: re-anchors its own session afterwards, if its device still vouches).
bumped_in_request: ContextVar[set | None] = ContextVar("second_factor_bumped", default=None)


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


# -- The verified session ---------------------------------------------------------


def session_verified(session, user) -> bool:
    """The session's second factor still vouches: given in this generation."""
    return (
        DEVICE_ID_SESSION_KEY in session
        and session.get(GENERATION_SESSION_KEY) == user.second_factor_generation
    )


def anchor(session, user) -> bool:
    """Tie the session's verified device to the person's current generation, or end
    the verified state when that device no longer vouches. The generation is read
    before the device: a device removed in between has moved it on already."""
    from .models import StaffUser

    generation = (
        StaffUser.objects.filter(pk=user.pk)
        .values_list("second_factor_generation", flat=True)
        .first()
    )
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    if generation is None or device is None or device.user_id != user.pk or not device.confirmed:
        session.pop(DEVICE_ID_SESSION_KEY, None)
        session.pop(GENERATION_SESSION_KEY, None)
        return False
    session[GENERATION_SESSION_KEY] = generation
    user.second_factor_generation = generation
    return True


def remember_verified(session, device) -> None:
    """The session as after `device` verified it (django_otp.login and the anchor)."""
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    anchor(session, device.user)


def bump_generation(user_id) -> None:
    """Every verified session of the person ends at its next request (but the one
    that did it, if its own device still vouches: accounts.middleware)."""
    from .models import StaffUser

    if user_id is None:
        return
    StaffUser.objects.filter(pk=user_id).update(
        second_factor_generation=F("second_factor_generation") + 1
    )
    bumped = bumped_in_request.get()
    if bumped is not None:
        bumped.add(user_id)


#: A save that cannot change whom the device vouches for (update_fields without them).
_UNCHANGED = object()


def _vouching_before_save(sender, instance, update_fields=None, **kwargs):
    """Remember whom the device vouched for before this save (one query, only when
    the save may change it: django-otp saves devices on every code given)."""
    if instance.pk is None:
        instance._vouched_for = None
    elif update_fields is not None and not {"confirmed", "user"} & set(update_fields):
        instance._vouched_for = _UNCHANGED
    else:
        before = sender.objects.filter(pk=instance.pk).values_list("confirmed", "user_id").first()
        instance._vouched_for = before[1] if before and before[0] else None


def _vouching_after_save(sender, instance, **kwargs):
    before = getattr(instance, "_vouched_for", _UNCHANGED)
    now = instance.user_id if instance.confirmed else None
    if before is not _UNCHANGED and before != now:
        bump_generation(before)
        bump_generation(now)


def _vouching_after_delete(sender, instance, **kwargs):
    if instance.confirmed:
        bump_generation(instance.user_id)


for _model in DEVICE_MODELS:
    pre_save.connect(
        _vouching_before_save, sender=_model, dispatch_uid=f"mfa-pre-{_model.__name__}"
    )
    post_save.connect(
        _vouching_after_save, sender=_model, dispatch_uid=f"mfa-post-{_model.__name__}"
    )
    post_delete.connect(
        _vouching_after_delete, sender=_model, dispatch_uid=f"mfa-del-{_model.__name__}"
    )
