"""The login check for the talking-book service: POST /api/v1/authenticate.

Authorised by `Authorization: Bearer <service token>` (ServiceToken, created by
MTM in the admin). Answers JSON:

- 401 {"error": "unauthorized"}: no token, an unknown one or a revoked one.
- 400 {"error": "bad_request"}: e-mail or password missing, or a body that is not
  a flat JSON object or form (nesting deeper than core.edge.MAX_JSON_DEPTH is refused
  before parsing, so no body can exhaust the parser), or text that cannot be encoded
  (a lone surrogate). The edge middleware (core/edge.py) answers the JSON cases
  before this view, unaudited and before the token is looked at.
- 413 {"error": "too_large"}: a body over MAX_BODY_BYTES, refused before reading.
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
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from accounts import borrower_throttle as throttle
from audit.log import keyed_hash, record
from audit.models import Action
from borrowers.models import Borrower
from core.edge import MAX_JSON_BYTES, encodable, too_deep

from .login import FAILED, Outcome, check_login
from .models import ServiceToken

logger = logging.getLogger(__name__)

MAX_EMAIL_LENGTH = 254
MAX_PASSWORD_LENGTH = 1024
#: The limits every JSON door shares (core/edge.py, checked by its middleware
#: before any view): far more than the longest e-mail and password need.
MAX_BODY_BYTES = MAX_JSON_BYTES


class BodyTooLarge(Exception):
    pass


def _refuse_large_bodies(request) -> None:
    """Refuse a body whose declared length is too large, before it is read. (Django
    reads no more than Content-Length, and raises RequestDataTooBig over
    DATA_UPLOAD_MAX_MEMORY_SIZE, which _credentials() turns into the same refusal.)"""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise BodyTooLarge


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
        # The borrower's language (settings.LANGUAGES codes): the talking-book service
        # can greet them in it.
        "language": borrower.language,
    }


def _bearer_token(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@sensitive_variables("body", "data", "password")
def _credentials(request) -> tuple[str, str] | None:
    """E-mail and password from a JSON body or form fields; None when unusable.
    Raises BodyTooLarge."""
    _refuse_large_bodies(request)
    try:
        if request.content_type == "application/json":
            body = request.body
            if too_deep(body):
                return None
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                return None
            if any(isinstance(value, dict | list) for value in data.values()):
                return None  # a flat object only, as the OpenAPI document says
        else:
            data = request.POST
    except RequestDataTooBig as too_big:
        raise BodyTooLarge from too_big
    except (ValueError, UnicodeDecodeError, RecursionError, TooManyFieldsSent):
        return None
    email, password = data.get("email"), data.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        return None
    email = email.strip()
    if not encodable(email) or not encodable(password):
        return None  # a lone surrogate (the middleware refuses them first)
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

    try:
        credentials = _credentials(request)
    except BodyTooLarge:
        _audit(token, "too_large")
        return JsonResponse({"error": "too_large"}, status=413)
    if credentials is None:
        _audit(token, "bad_request")
        return JsonResponse({"error": "bad_request"}, status=400)
    email, password = credentials
    if "\x00" in email or "\x00" in password:
        # No account's e-mail or password holds NUL (and PostgreSQL cannot compare text
        # that does): the answer for any other wrong login, with nothing looked up.
        _audit(token, Outcome.INVALID.value)
        return JsonResponse({"ok": False, "reason": Outcome.INVALID.value})

    source = throttle.api_source(token.pk)
    if throttle.is_locked(throttle.Channel.API, email=email, source=source):
        _audit(token, "rate_limited", email=email)
        logger.warning("Login check rate limited (service %s)", token.name)
        response = JsonResponse({"error": "rate_limited"}, status=429)
        response["Retry-After"] = str(throttle.cooloff_minutes() * 60)
        return response

    check = check_login(email, password)
    with transaction.atomic():
        throttle.note_check(
            throttle.Channel.API, email=email, source=source, failed=check.outcome in FAILED
        )
        _audit(token, check.outcome.value, email=email, borrower=check.borrower)
        if check.outcome is Outcome.OK:
            # The day only (docs/privacy.md): enough to tell an account unused for a year.
            Borrower.objects.filter(pk=check.borrower.pk).update(last_login=timezone.localdate())
    if check.outcome is not Outcome.OK:
        return JsonResponse({"ok": False, "reason": check.outcome.value})
    return JsonResponse({"ok": True, "borrower": borrower_payload(check.borrower)})
