"""The borrower's session on Mina sidor, kept apart from staff logins.

A borrower is not a Django auth user: the session holds the borrower's code
under keys of its own. The rules (security.md §6), checked on every request by
`borrower_required`:

- login rotates the session key (and ends any staff login in the same browser);
- idle timeout: SESSION_COOKIE_AGE since the last request;
- absolute timeout: SESSION_ABSOLUTE_SECONDS since login, however active
  (the same values as for staff);
- a fingerprint of the password hash: a new password (changed here, by Glömt
  lösenord or by a registrar) ends every other session of the borrower;
- a session that also holds a staff login is no borrower session, and a staff
  login drops the borrower part (signals.py).
"""

import enum
import functools
import hmac
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from borrowers.models import Borrower

from .texts import expired_message

CODE = "borrower_code"
AUTH_TIME = "borrower_auth_time"
SEEN = "borrower_seen"
FINGERPRINT = "borrower_pw"
SESSION_KEYS = (CODE, AUTH_TIME, SEEN, FINGERPRINT)


class Ended(enum.Enum):
    TIMED_OUT = "timed_out"
    SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere"
    EXPIRED = "expired"


def password_fingerprint(borrower: Borrower) -> str:
    return salted_hmac("selfservice.session", borrower.password).hexdigest()


def forget_borrower(session) -> None:
    for key in SESSION_KEYS:
        session.pop(key, None)


def log_in(request, borrower: Borrower) -> None:
    """Start a borrower session: a fresh session key, nothing of a staff login left."""
    if request.user.is_authenticated:
        logout(request)  # SECURITY: staff and borrower sessions never mix
    request.session.cycle_key()
    rotate_token(request)
    now = int(time.time())
    request.session[CODE] = str(borrower.code)
    request.session[AUTH_TIME] = now
    request.session[SEEN] = now
    request.session[FINGERPRINT] = password_fingerprint(borrower)


def keep_after_password_change(request, borrower: Borrower) -> None:
    """This session survives its own password change; the others end."""
    request.session.cycle_key()
    request.session[FINGERPRINT] = password_fingerprint(borrower)


def log_out(request) -> None:
    request.session.flush()


def current_borrower(request) -> tuple[Borrower | None, Ended | None]:
    """The borrower logged in in this session, or why there is none any longer
    (for EXPIRED, with the borrower, so that the message can name their library)."""
    session = request.session
    code = session.get(CODE)
    if not code:
        return None, None
    # SECURITY: a session that somehow also carries a staff login is no borrower session.
    if request.user.is_authenticated:
        forget_borrower(session)
        return None, None
    now = time.time()
    if (
        now - session.get(AUTH_TIME, 0) > settings.SESSION_ABSOLUTE_SECONDS
        or now - session.get(SEEN, 0) > settings.SESSION_COOKIE_AGE
    ):
        session.flush()
        return None, Ended.TIMED_OUT
    borrower = Borrower.objects.select_related("library__parent").filter(code=code).first()
    if borrower is None or not hmac.compare_digest(
        session.get(FINGERPRINT, ""), password_fingerprint(borrower)
    ):
        session.flush()
        return None, Ended.SIGNED_OUT_ELSEWHERE
    if borrower.is_expired(timezone.localdate()):
        session.flush()
        return borrower, Ended.EXPIRED
    session[SEEN] = int(now)
    return borrower, None


_ENDED_MESSAGES = {
    Ended.TIMED_OUT: lambda: _(
        "You have been logged out because you were inactive for a while. Log in again."
    ),
    Ended.SIGNED_OUT_ELSEWHERE: lambda: _("You have been logged out. Log in again."),
}


def borrower_required(view):
    """Mina sidor pages: only a logged-in borrower (never a staff session). Sets
    request.borrower. Not behind the staff LoginRequiredMiddleware; never cached."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        borrower, ended = current_borrower(request)
        if ended is Ended.EXPIRED:
            messages.error(request, expired_message(borrower))
            return redirect("selfservice:login")
        if borrower is None:
            if ended is not None:
                messages.info(request, _ENDED_MESSAGES[ended]())
            login_url = reverse("selfservice:login")
            # Back to this page after logging in (Mina uppgifter is where a login goes anyway).
            if request.method == "GET" and request.path != reverse("selfservice:details"):
                login_url += "?" + urlencode({"next": request.get_full_path()})
            return redirect(login_url)
        request.borrower = borrower
        return view(request, *args, **kwargs)

    return login_not_required(never_cache(wrapper))
