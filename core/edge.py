"""What every request must be before any view sees it: text that can be written back
(UTF-8, no lone surrogates), a form body in UTF-8, and a JSON body of bounded size and
nesting. One middleware for every door — forms, the JSON API, the passkey endpoints,
headers — so that no view, library or audit hash meets text it cannot encode.

Django decodes the query string and a form body with errors="replace", so broken bytes
there become U+FFFD; but a JSON parser turns "\\ud800" (and the raw bytes ED A0 80)
into a lone surrogate that crashes the first .encode() (a keyed hash, Argon2); a form
declared in another charset makes Django raise, and with DEBUG on the error page
reads the body again; and a deeply nested JSON body makes a recursive parser fail.
"""

import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.defaults import bad_request

#: The largest JSON body any door takes (the login check, the passkey endpoints). Far
#: more than an e-mail, a password or a passkey's answer needs, even \\u-escaped.
MAX_JSON_BYTES = 256 * 1024
#: JSON bodies are flat objects, or (a passkey's answer) objects two levels deep.
MAX_JSON_DEPTH = 4

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_UTF8 = {"utf-8", "utf8"}


def too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (json.loads recurses
    once per level: 100,000 '[' are a RecursionError). Walks the bytes, never parses."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # the usual flat object: no need to walk it
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


def encodable(text: str) -> bool:
    """Whether the text can be written as UTF-8 (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _all_encodable(value) -> bool:
    """Every string in a parsed JSON value (keys too); the depth is already bounded."""
    if isinstance(value, str):
        return encodable(value)
    if isinstance(value, dict):
        return all(_all_encodable(k) and _all_encodable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_all_encodable(item) for item in value)
    return True


def json_problem(body: bytes) -> str | None:
    """Why a JSON body must be refused ("too_large", "bad_request"), or None when
    it is fine to parse. A body that is not JSON at all is left to the view."""
    if len(body) > MAX_JSON_BYTES:
        return "too_large"
    if too_deep(body):
        return "bad_request"
    try:
        text = body.decode("utf-8")  # strict: ED A0 80 (an encoded surrogate) is refused
    except UnicodeDecodeError:
        return "bad_request"
    if "\\u" not in text.lower():
        return None  # no escapes: the text is already known to encode
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return None if _all_encodable(data) else "bad_request"


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def _bad_request(request) -> HttpResponseBadRequest:
    return bad_request(request, None)  # the project's 400 page, as for any bad request


class RefuseUnreadableInputMiddleware:
    """Answers 400 (JSON bodies: a JSON 400 or 413 like the login check's) to a request
    whose headers, query string, form body or JSON body hold text that cannot be
    encoded, a form body in another charset than UTF-8, or a JSON body too large or
    too deeply nested. Nothing else is judged here: the views and forms do that."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.refusal(request) or self.get_response(request)

    def refusal(self, request):
        if not all(encodable(v) for v in request.META.values() if isinstance(v, str)):
            return _bad_request(request)
        for key, values in request.GET.lists():
            if not encodable(key) or not all(encodable(v) for v in values):
                return _bad_request(request)
        content_type = request.content_type or ""
        if content_type in _FORM_TYPES:
            charset = (request.content_params or {}).get("charset")
            if charset and charset.strip().lower() not in _UTF8:
                return _bad_request(request)
            return None  # decoded with errors="replace": nothing unencodable comes out
        if _is_json(content_type) and request.method not in ("GET", "HEAD"):
            if _declared_length(request) > MAX_JSON_BYTES:
                return JsonResponse({"error": "too_large"}, status=413)
            try:
                body = request.body
            except RequestDataTooBig:  # over DATA_UPLOAD_MAX_MEMORY_SIZE, read or not
                return JsonResponse({"error": "too_large"}, status=413)
            problem = json_problem(body)
            if problem == "too_large":
                return JsonResponse({"error": problem}, status=413)
            if problem:
                return JsonResponse({"error": problem}, status=400)
        return None
