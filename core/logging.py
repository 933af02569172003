import logging
import re

# Personnummer and samordningsnummer (10 or 12 digits, with or without "-", "+"
# or a space before the last four), LMA numbers (8 digits, with or without the
# dash after the first two) and e-mail addresses never reach a log line
# (security.md §11). Over-redacting another 8-digit number is the safe mistake.
_IDENTITY = re.compile(
    r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)"  # personnummer, samordningsnummer
    r"|(?<!\d)\d{2}-?\d{6}(?!\d)"  # LMA number
)
_EMAIL = re.compile(r"[^\s@<>()\[\]\"',;:]+@[^\s@<>()\[\]\"',;:]+\.[^\s@<>()\[\]\"',;:]+")
#: An address percent-encoded in a query string or a form body (a%40b.se, a%2540b.se).
_ENCODED_EMAIL = re.compile(r"[^\s@<>()\[\]\"',;:&=?/]+%(?:25)?40[^\s<>()\[\]\"',;:&=?/]+", re.I)


# Set-password and reset links carry a live token: in the query string (every link
# mailed now) or in the path (links mailed before; still served). Neither reaches a
# log line: a query string is cut, and so is what follows …/losenord/ in a path.
_QUERY = re.compile(r"\?[^\s\"']+")
_TOKEN_PATH = re.compile(r"(/(?:nytt-)?losenord/)(?!(?:valj|klart)/)[^\s\"'?]+")


def redact_path(text: str) -> str:
    """A request line or path without its query string or a token in it."""
    return _TOKEN_PATH.sub(r"\1[redacted]", _QUERY.sub("?[redacted]", text))


def redact(text: str) -> str:
    text = redact_path(text)  # first: a query string goes whole
    text = _ENCODED_EMAIL.sub("[redacted e-mail]", text)
    return _EMAIL.sub("[redacted e-mail]", _IDENTITY.sub("[redacted]", text))


# --- the development server's request lines -------------------------------------------

#: A request line as a client sends one: method, target, version. Anything else that
#: reaches runserver's log as a "request line" is a request body it read as the next
#: request (a form with a password, when the client sent more than Content-Length).
_REQUEST_LINE = re.compile(r"\A(?P<method>[A-Z]{3,10}) (?P<target>\S+)(?P<version> HTTP/\d\.\d)?\Z")
#: http.server's complaints quote the offending line: "Bad request syntax ('…')".
_QUOTED = re.compile(r"\((?:'[^\n]*'|\"[^\n]*\")\)")
UNREADABLE = "[not a request line: redacted]"


def redact_request_line(line: str) -> str:
    """A request line with its target redacted (redact_path); anything that is not a
    request line, whole: it may be a form body with a password."""
    match = _REQUEST_LINE.match(line)
    if match is None:
        return UNREADABLE
    return f"{match['method']} {redact_path(match['target'])}{match['version'] or ''}"


class RedactServerRequestLines(logging.Filter):
    """On the django.server logger (runserver): the request line keeps only a method,
    a redacted path and the version, and a "request line" that is none (an unread body
    parsed as the next request) is dropped from the line; http.server's error lines
    lose what they quote. RedactIdentityNumbers runs after it, on the whole line."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if record.msg == '"%s" %s %s' and len(args) == 3:
            record.args = (redact_request_line(str(args[0])), *args[1:])
        elif args:
            record.msg, record.args = _QUOTED.sub(f"({UNREADABLE})", record.getMessage()), None
        return True


class RedactIdentityNumbers(logging.Filter):
    """Attached to every handler (settings.LOGGING): redacts the message, the
    traceback (a database error names the duplicate value) and the stack."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
