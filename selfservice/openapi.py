"""The login check described in OpenAPI 3.1, served at /api/v1/openapi.json.

Every answer of api.py (and of the README's table) is here; the property-based
run in tests/selfservice/test_openapi.py calls the API against this document.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from borrowers.models import IdKind

from .api import MAX_BODY_BYTES, MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH


def _error(code: str, description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"const": code}},
                    "additionalProperties": False,
                }
            }
        },
    }


CREDENTIALS = {
    "type": "object",
    "required": ["email", "password"],
    # A flat object: other members are ignored, but an object or array anywhere is refused.
    "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
    "properties": {
        "email": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_EMAIL_LENGTH,
            "pattern": r"\S",
            "description": "Compared without surrounding white space, in any case.",
        },
        "password": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_PASSWORD_LENGTH,
        },
    },
}

BORROWER = {
    "type": "object",
    "required": ["code", "kind", "adult", "library", "valid_until", "services"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "format": "uuid", "description": "The internal code."},
        "kind": {"enum": list(IdKind.values)},
        "adult": {"type": "boolean"},
        "library": {
            "description": "None for a protected identity.",
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["name", "main_library"],
                    "properties": {
                        "name": {"type": "string"},
                        "main_library": {"type": "string"},
                    },
                },
            ],
        },
        "valid_until": {
            "oneOf": [{"type": "null"}, {"type": "string", "format": "date"}],
            "description": "Inclusive; null: until further notice.",
        },
        "services": {"type": "array", "items": {"type": "string"}},
    },
}

ANSWER = {
    "oneOf": [
        {
            "type": "object",
            "required": ["ok", "borrower"],
            "additionalProperties": False,
            "properties": {"ok": {"const": True}, "borrower": BORROWER},
        },
        {
            "type": "object",
            "required": ["ok", "reason"],
            "additionalProperties": False,
            "properties": {
                "ok": {"const": False},
                "reason": {
                    "enum": ["invalid_credentials", "expired", "no_password"],
                    "description": (
                        "invalid_credentials: unknown e-mail or wrong password (never told "
                        "apart); expired: only once the password was verified; no_password: "
                        "the account has no password yet (send the borrower to Glömt lösenord)."
                    ),
                },
            },
        },
    ]
}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Login check of the talking-book service",
            "version": "1",
            "description": (
                "May this e-mail and password log in? For services holding a service token "
                "made by MTM. New services sign borrowers in with OpenID Connect instead "
                "(/.well-known/openid-configuration)."
            ),
        },
        "paths": {
            "/api/v1/authenticate": {
                "post": {
                    "operationId": "authenticate",
                    "security": [{"serviceToken": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": CREDENTIALS},
                            "application/x-www-form-urlencoded": {"schema": CREDENTIALS},
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The check was made: ok, or why not.",
                            "content": {"application/json": {"schema": ANSWER}},
                        },
                        "400": _error(
                            "bad_request",
                            "E-mail or password missing or too long, or a body that is not a "
                            "flat JSON object or form.",
                        ),
                        "401": {
                            **_error(
                                "unauthorized", "No service token, or an unknown or revoked one."
                            ),
                            "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
                        },
                        "405": {"description": "Only POST."},
                        "413": _error("too_large", f"A body over {MAX_BODY_BYTES} bytes."),
                        "429": {
                            **_error(
                                "rate_limited",
                                "Too many failures for this e-mail, or through this token, "
                                "within the cool-off window.",
                            ),
                            "headers": {"Retry-After": {"schema": {"type": "string"}}},
                        },
                    },
                }
            }
        },
        "components": {"securitySchemes": {"serviceToken": {"type": "http", "scheme": "bearer"}}},
    }


@login_not_required
@require_GET
def openapi(request):
    return JsonResponse(document())
