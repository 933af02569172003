"""Staff login throttling with django-axes: three limits on a normalised identity.

Axes counts failures per set of AXES_LOCKOUT_PARAMETERS and compares the largest
count with one AXES_FAILURE_LIMIT. We need a limit of its own per set, so the
handler below counts each set against its own limit (settings.py):

- account and address: AXES_FAILURE_LIMIT (a registrar mistyping locks only
  themselves, only at that address);
- account, across addresses: AXES_ACCOUNT_FAILURE_LIMIT (spreading guesses over
  many addresses does not multiply them);
- address, across accounts: AXES_ADDRESS_FAILURE_LIMIT (password spraying),
  far above what one library's colleagues behind a shared address can reach by
  typos: each of them stops at AXES_FAILURE_LIMIT.

Every lock lifts by itself after AXES_COOLOFF_TIME; failures while locked are
not counted (the password is not checked then), so hammering does not extend it.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum

from core.identity import normalise_identity


def username(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the login e-mail as every throttle counts it."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return normalise_identity(value)


def limits() -> list[int]:
    """One limit per set, in the order of settings.AXES_LOCKOUT_PARAMETERS."""
    return [
        settings.AXES_FAILURE_LIMIT,
        settings.AXES_ACCOUNT_FAILURE_LIMIT,
        settings.AXES_ADDRESS_FAILURE_LIMIT,
    ]


class StaffLoginHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """AXES_FAILURE_LIMIT once any set has reached its own limit, else the
        account-and-address count (what the lockout page and axes compare)."""
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        if any(count >= limit for count, limit in zip(counts, limits(), strict=True)):
            return settings.AXES_FAILURE_LIMIT
        return counts[0]

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login forgets this account's failures at this address only:
        not the colleagues' failures at the address, nor other addresses' guesses."""
        account_and_address = self.filter_user_attempts(request, credentials)[0]
        count, _ = account_and_address.delete()
        return count


# --- the current password on Mina uppgifter counts like a login ---------------------


def _credentials(user) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: user.email}


def current_password_lockout(request, user):
    """The login's lockout page (429, the same cool-off and message) when the account
    is locked for this address: then the current password is not even checked."""
    credentials = _credentials(user)
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    return get_lockout_response(request, None, credentials)


def note_wrong_current_password(request, user) -> None:
    """A wrong current password counts toward the account's lock like a failed login;
    the limit reached, AxesMiddleware answers with the lockout page."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
