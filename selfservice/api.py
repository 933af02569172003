"""The login check for the talking-book service: POST /api/v1/authenticate.

Authorised by `Authorization: Bearer <service token>` (ServiceToken, created by
MTM in the admin). Answers JSON:

- 401 {"error": "unauthorized"}: no token, an unknown one or a revoked one.
- 400 {"error": "bad_request"}: e-mail or password missing.
- 429 {"error": "rate_limited"}: too many failures for this e-mail, or through
  this token, within the cool-off window (throttle.py).
- 200 {"ok": false, "reason": ...}:
  - "invalid_credentials": unknown e-mail OR wrong password, never told apart
    (an unknown e-mail costs one Argon2 verification too, so timing does not tell);
  - "expired": only once the password was verified;
  - "no_password": the e-mail belongs to an account that has no password yet.
    This does tell the caller that the account exists. The caller is a trusted
    server holding a service token, and the talking-book service needs the
    reason to send the borrower to Glömt lösenord instead of "wrong password";
    the per-e-mail throttle bounds how fast anyone could probe with it.
- 200 {"ok": true, "borrower": {...}}: see borrower_payload().

Every authorised call is audited (AUTHENTICATED, the outcome in the detail): by
the borrower's code when the e-mail belongs to an account, else by a keyed hash of
the e-mail. Never the password, never the e-mail in clear.
"""

import json
import logging

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from audit.log import keyed_hash, record
from audit.models import Action
from borrowers.models import Borrower

from . import services, throttle
from .models import ServiceToken
from .services import Outcome

logger = logging.getLogger(__name__)

MAX_EMAIL_LENGTH = 254
MAX_PASSWORD_LENGTH = 1024


def borrower_payload(borrower: Borrower) -> dict:
    """What the talking-book service learns about a borrower who may log in."""
    today = timezone.localdate()
    library = None
    # A protected identity has no library, and nothing geographic is told about it.
    if borrower.has_library:
        library = {
            "name": borrower.library.name,
            "main_library": borrower.library.main_library.name,
        }
    return {
        "code": str(borrower.code),
        "kind": borrower.id_kind,
        "adult": borrower.is_adult(today),
        "library": library,
        "valid_until": borrower.valid_until.isoformat() if borrower.valid_until else None,
        "services": list(borrower.services.filter(published=True).values_list("name", flat=True)),
    }


def _bearer_token(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@sensitive_variables("data", "password")
def _credentials(request) -> tuple[str, str] | None:
    """E-mail and password from a JSON body or form fields; None when unusable."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict):
            return None
    else:
        data = request.POST
    email, password = data.get("email"), data.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        return None
    email = email.strip()
    if not email or not password:
        return None
    if len(email) > MAX_EMAIL_LENGTH or len(password) > MAX_PASSWORD_LENGTH:
        return None
    return email, password


def _audit(token: ServiceToken, outcome: str, *, email: str = "", borrower=None) -> None:
    detail = {"outcome": outcome, "service": token.name}
    if borrower is None and email:
        detail["email_hash"] = keyed_hash(email.strip().lower())
    record(Action.AUTHENTICATED, borrower=borrower, **detail)


@csrf_exempt  # a machine API with its own token; no cookies are used
@login_not_required
@never_cache
@sensitive_post_parameters("password")
@sensitive_variables("credentials", "password")
@require_POST
def authenticate(request):
    """The talking-book service, with a service token: may this e-mail and password log in?"""
    token = ServiceToken.objects.authenticate(_bearer_token(request))
    if token is None:
        logger.warning("Login check refused: missing, unknown or revoked service token")
        response = JsonResponse({"error": "unauthorized"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="login-check"'
        return response
    ServiceToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())

    credentials = _credentials(request)
    if credentials is None:
        _audit(token, "bad_request")
        return JsonResponse({"error": "bad_request"}, status=400)
    email, password = credentials

    if throttle.api_is_locked(email=email, token_id=token.pk):
        _audit(token, "rate_limited", email=email)
        logger.warning("Login check rate limited (service %s)", token.name)
        response = JsonResponse({"error": "rate_limited"}, status=429)
        response["Retry-After"] = str(throttle.cooloff_minutes() * 60)
        return response

    check = services.check_login(email, password)
    with transaction.atomic():
        if check.outcome in (Outcome.INVALID, Outcome.NO_PASSWORD):
            throttle.record_api_failure(email=email, token_id=token.pk)
        else:
            throttle.clear(email, channel=throttle.Channel.API)
        _audit(token, check.outcome.value, email=email, borrower=check.borrower)
        if check.outcome is Outcome.OK:
            # The day only (docs/privacy.md): enough to tell an account unused for a year.
            Borrower.objects.filter(pk=check.borrower.pk).update(last_login=timezone.localdate())
    if check.outcome is not Outcome.OK:
        return JsonResponse({"ok": False, "reason": check.outcome.value})
    return JsonResponse({"ok": True, "borrower": borrower_payload(check.borrower)})
