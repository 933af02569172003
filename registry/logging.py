import logging
import re

# Personnummer, samordningsnummer (10 or 12 digits, optional separator) and LMA
# numbers never reach a log line (security.md §11).
_IDENTITY = re.compile(r"(?<!\d)(\d{2})?\d{6}[-+ ]?\d{4}(?!\d)|(?<!\d)\d{2}-\d{6}(?!\d)")


def redact(text: str) -> str:
    return _IDENTITY.sub("[redacted]", text)


class RedactIdentityNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
