from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode

from notifications.mail import mail_context
from notifications.models import MailKind

from .models import StaffUser


def set_password_link(user) -> dict:
    """A staff mail's set-password link and how long it lasts: the welcome, the
    reset and the import's invitation."""
    return {
        "user": user,
        "link": _set_password_link(user),
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }


def _set_password_link(user) -> str:
    """A single-use, time-limited link, minted at delivery (never stored). The token
    is in the query string, which the access logs leave out (docs/security.md, "No secret
    in any log"); the page moves it into the session at once."""
    path = reverse(
        "accounts:set_password_link", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk))}
    )
    return f"{settings.SITE_URL}{path}?{urlencode({'token': default_token_generator.make_token(user)})}"


@mail_context(MailKind.STAFF_PASSWORD_RESET)
@mail_context(MailKind.STAFF_WELCOME)
def staff_link(context: dict) -> dict | None:
    user = StaffUser.objects.filter(pk=context["user"], is_active=True).first()
    if user is None:
        return None
    return set_password_link(user)


@mail_context(MailKind.STAFF_PASSWORD_CHANGED)
def password_changed(context: dict) -> dict | None:
    user = StaffUser.objects.filter(pk=context["user"], is_active=True).first()
    return None if user is None else {"user": user}
