"""Throttling of borrower logins, the same rules as staff logins (security.md §4, §5).

django-axes only watches Django auth users, and a borrower is not one, so this is
the small equivalent for borrowers, kept in the database (honest across web
processes, unlike a per-process cache):

- Mina sidor: the staff logins' three limits (accounts/throttle.py):
  AXES_FAILURE_LIMIT failures for one e-mail from one address within
  AXES_COOLOFF_TIME lock that e-mail from that address (others behind the same
  address are not affected); AXES_ACCOUNT_FAILURE_LIMIT for one e-mail from any
  addresses lock the e-mail; AXES_ADDRESS_FAILURE_LIMIT from one address for any
  e-mails lock the address (password spraying).
- The login check API: the service calls for everyone from one address, so the
  limit is per e-mail, plus a higher one per service token.
- Glömt lösenord: at most AXES_FAILURE_LIMIT reset mails per e-mail within the
  window; more requests get the same answer but send nothing.

Never permanent: a lock lifts by itself once fewer than the limit of failures lie
within the window, at most AXES_COOLOFF_TIME after the last one. Failures made
while locked are not counted (the password is not even checked), so an attacker
cannot keep an account locked longer by hammering it. A successful login, or a new
password by Glömt lösenord, clears the e-mail's failures.

Neither e-mails nor addresses are stored: only keyed hashes.
"""

from django.conf import settings
from django.utils import timezone

from audit.log import keyed_hash
from core.identity import normalise_identity

from .models import LoginFailure

Channel = LoginFailure.Channel

#: Failures of the login check per service token within the window (a service
#: logs in many people; this stops wholesale guessing through a leaked token).
DEFAULT_TOKEN_FAILURE_LIMIT = 1000


def account_key(email: str) -> str:
    return keyed_hash("borrower-login:" + normalise_identity(email))


def source_key(source: str) -> str:
    return keyed_hash("login-source:" + source) if source else ""


def _window_start():
    return timezone.now() - settings.AXES_COOLOFF_TIME


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def _limit() -> int:
    return settings.AXES_FAILURE_LIMIT


def token_limit() -> int:
    return getattr(settings, "LOGIN_CHECK_TOKEN_FAILURE_LIMIT", DEFAULT_TOKEN_FAILURE_LIMIT)


def _recent(channel: str):
    return LoginFailure.objects.filter(channel=channel, at__gt=_window_start())


def api_source(token_id: int) -> str:
    """The login check's source: the service token, not the (shared) address."""
    return f"token:{token_id}"


def is_locked(channel: str, *, email: str, source: str = "") -> bool:
    """Mina sidor (and reset requests): failures for this e-mail from this source,
    for this e-mail from anywhere, or for anyone from this source. The login check:
    too many failures for this e-mail, or through this token (`api_source`)."""
    if channel == Channel.API:
        return _api_is_locked(email=email, source=source)
    recent = _recent(channel)
    account, source = account_key(email), source_key(source)
    return (
        recent.filter(account=account, source=source).count() >= _limit()
        or recent.filter(account=account).count() >= settings.AXES_ACCOUNT_FAILURE_LIMIT
        or (
            bool(source)
            and recent.filter(source=source).count() >= settings.AXES_ADDRESS_FAILURE_LIMIT
        )
    )


def _api_is_locked(*, email: str, source: str) -> bool:
    recent = _recent(Channel.API)
    if recent.filter(account=account_key(email)).count() >= _limit():
        return True
    return recent.filter(source=source_key(source)).count() >= token_limit()


def record_failure(channel: str, *, email: str, source: str = "") -> None:
    now = timezone.now()
    # Old rows have done their job; dropping them keeps the table small (indexed on `at`).
    LoginFailure.objects.filter(at__lte=now - settings.AXES_COOLOFF_TIME).delete()
    LoginFailure.objects.create(
        channel=channel, account=account_key(email), source=source_key(source), at=now
    )


def note_check(channel: str, *, email: str, source: str, failed: bool) -> None:
    """After a password was checked, the one home of both doors (Mina sidor, the
    login check): a failure counts; the right password forgets the failures it
    answers for: this address's on Mina sidor, the e-mail's through any token on
    the login check (whose limit is per e-mail)."""
    if failed:
        record_failure(channel, email=email, source=source)
    else:
        clear(email, channel=channel, source=None if channel == Channel.API else source)


def allow_reset_mail(email: str) -> bool:
    """Glömt lösenord, of borrowers and of staff: whether another reset mail may go
    to this e-mail within the window (at most AXES_FAILURE_LIMIT); counts this one."""
    if is_locked(Channel.RESET, email=email):
        return False
    record_failure(Channel.RESET, email=email)
    return True


def clear(email: str, *, channel: str | None = None, source: str | None = None) -> None:
    """Forget this e-mail's failed logins: all of them (a new password by Glömt
    lösenord), or those of one channel and source (a successful login there)."""
    failures = LoginFailure.objects.filter(
        channel__in=[Channel.MINA_SIDOR, Channel.API], account=account_key(email)
    )
    if channel is not None:
        failures = failures.filter(channel=channel)
    if source is not None:
        failures = failures.filter(source=source_key(source))
    failures.delete()
