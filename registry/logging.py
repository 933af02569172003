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


# Set-password and reset links carry a live token: in the query string (every link
# mailed now) or in the path (links mailed before; still served). Neither reaches a
# log line: a query string is cut, and so is what follows …/losenord/ in a path.
_QUERY = re.compile(r"\?[^\s\"']+")
_TOKEN_PATH = re.compile(r"(/(?:nytt-)?losenord/)(?!(?:valj|klart)/)[^\s\"'?]+")


def redact_path(text: str) -> str:
    """A request line or path without its query string or a token in it."""
    return _TOKEN_PATH.sub(r"\1[redacted]", _QUERY.sub("?[redacted]", text))


def redact(text: str) -> str:
    return redact_path(_EMAIL.sub("[redacted e-mail]", _IDENTITY.sub("[redacted]", text)))


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
