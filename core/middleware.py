import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers


class SessionLifetimeMiddleware:
    """Ends a session this long after login, however active (security.md §6), and
    slides its idle limit (SESSION_COOKIE_AGE) without a write on every request.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) costs an UPDATE
    on every page. Instead the session is saved (its expiry moved to now plus the idle
    limit) only once SESSION_REFRESH_FRACTION of the idle limit has passed since the
    last save, whenever it is saved anyway, and on every keep-alive ping. Between saves
    the session ends SESSION_COOKIE_AGE after its REFRESHED time, and the timeout
    warning is told that time (core/templatetags/session_timeout.py), never more.
    """

    KEY = "auth_time"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(self.KEY, int(time.time()))
            if time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
        refresh_idle_timeout(request)  # before the view: the page shows the new expiry
        response = self.get_response(request)
        if request.session.modified and request.session.keys():
            request.session[REFRESHED] = time.time()  # saved anyway: the expiry moves too
        return response


#: The session key holding when the session's expiry was last moved (time.time()).
REFRESHED = "refreshed_at"


def refresh_idle_timeout(request, *, force: bool = False) -> None:
    """Mark a live session for saving when its idle expiry is due to move forward."""
    session = getattr(request, "session", None)
    if session is None or not session.session_key or not session.keys():
        return  # no session (or an empty one): nothing to keep alive
    now = time.time()
    window = settings.SESSION_COOKIE_AGE * settings.SESSION_REFRESH_FRACTION
    if force or now - session.get(REFRESHED, 0) >= window:
        session[REFRESHED] = now  # sets session.modified: SessionMiddleware saves it


def idle_seconds_left(request) -> int:
    """Seconds until this session ends for want of a request."""
    if request.session.modified:
        return settings.SESSION_COOKIE_AGE  # this response saves it: the limit starts now
    refreshed = request.session.get(REFRESHED, time.time())
    return max(0, round(refreshed + settings.SESSION_COOKIE_AGE - time.time()))


class NoStoreForPersonalDataMiddleware:
    """Pages seen by a logged-in person hold personal data: no cache may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response (settings.PERMISSIONS_POLICY): the
    registry needs no camera, microphone, location, payment or sensors; passkeys
    (WebAuthn) only on its own pages."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
