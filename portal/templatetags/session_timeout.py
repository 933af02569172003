"""The idle-timeout warning (WCAG 2.2.1 Timing Adjustable; accessibility.md §3.10).

`{% session_timeout_attributes %}` on <body> tells static/js/app.js how long the
session lives without a further request (the idle limit from its last save, which is
not always this request: core/middleware.py) and where to ping to extend it, for
a logged-in staff member or borrower; for anyone else it renders nothing.
"""

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html

from core.middleware import idle_seconds_left
from selfservice import session as borrower_session

register = template.Library()

#: How long before the timeout the warning appears (at least 20 s, WCAG 2.2.1).
WARNING_SECONDS = 120


@register.simple_tag(takes_context=True)
def session_timeout_attributes(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        login_url = reverse("accounts:login")
    elif getattr(request, "session", {}).get(borrower_session.CODE):  # none before its middleware
        login_url = reverse("selfservice:login")
    else:
        return ""
    return format_html(
        ' data-session-timeout="{}" data-session-warning="{}" data-keep-alive-url="{}"'
        ' data-login-url="{}" data-csrf-token="{}"',
        idle_seconds_left(request),
        WARNING_SECONDS,
        reverse("portal:keep_alive"),
        login_url,
        get_token(request),
    )
