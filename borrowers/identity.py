"""Swedish borrower identifiers: personnummer, samordningsnummer and LMA numbers.

Kept free of Django so that forms, search, the admin and management commands
share one definition of a valid identifier, and so that it can be tested with
the standard library and python-stdnum alone.

`stdnum.se.personnummer` is not used for parsing: it rejects every
samordningsnummer (day + 60 is no calendar date) and infers the century from
the real clock, whereas every rule here must honour the caller's `today`.
"""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass
from datetime import date

from stdnum import luhn


def gettext_noop(message: str) -> str:
    # Django's makemessages extracts gettext_noop() calls, so the messages
    # below reach the translation catalogue without this module importing Django.
    return message


#: Adult from the 18th birthday (SPEC §2): the borrower's forms, the guardian's age,
#: the Visa lists and the login check all count with this.
ADULT_AGE = 18


def years_ago(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class Kind(enum.StrEnum):
    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    LMA = "lma"
    #: MTM's temporary number for a student without a Swedish personnummer
    #: (applications.StudentApplication): the birth date, a letter and three digits,
    #: as interim numbers are written, so it can never be a real number.
    TEMPORARY = "tillfalligt"


# English source messages; the form layer translates them with gettext(MESSAGES[code]).
MESSAGES: dict[str, str] = {
    "empty": gettext_noop(
        "Enter a personal identity number or coordination number, for example YYYYMMDD-NNNN."
    ),
    "characters": gettext_noop(
        "A personal identity number or coordination number contains only digits, with a - or + "
        "before the last four. Remove letters and other characters."
    ),
    "length": gettext_noop(
        "A personal identity number or coordination number has 10 or 12 digits, for example "
        "YYYYMMDD-NNNN. Check that no digit is missing or extra."
    ),
    "separator": gettext_noop(
        "Put a - or + only before the last four digits, for example YYYYMMDD-NNNN."
    ),
    "looks_like_lma": gettext_noop(
        "This looks like an LMA number (eight digits, XX-XXXXXX). Enter a personal identity "
        "number or coordination number with 10 or 12 digits, or register the borrower with "
        "the form for LMA card holders."
    ),
    "date": gettext_noop(
        "Check the date of birth: the first digits of the number are not a real date."
    ),
    "future": gettext_noop(
        "Check the date of birth: the number gives a birth date later than today."
    ),
    "century": gettext_noop(
        "Check the first two digits: a 12-digit number begins with the century of birth, "
        "18, 19 or 20."
    ),
    "plus_this_year": gettext_noop(
        "Check the sign before the last four digits: with a - the number gives a birth date "
        "later than today. Someone who turns 100 this year, or is older, is written with a + "
        "instead, for example YYMMDD+NNNN."
    ),
    "serial": gettext_noop(
        "Check the last four digits: the three digits before the last one are never 000."
    ),
    "birth_date_only": gettext_noop(
        "This is only a date of birth. A full personal identity number also needs the last "
        "four digits, for example YYYYMMDD-NNNN. An LMA number is written XX-XXXXXX."
    ),
    "checksum": gettext_noop(
        "Check the last four digits: the personal identity number or coordination number "
        "does not add up."
    ),
    "lma_empty": gettext_noop("Enter the LMA number, written XX-XXXXXX."),
    "lma_characters": gettext_noop(
        "An LMA number contains only digits, written XX-XXXXXX. Remove letters and other "
        "characters."
    ),
    "lma_separator": gettext_noop(
        "Write the LMA number as XX-XXXXXX: the dash goes after the first two digits."
    ),
    "lma_length": gettext_noop(
        "An LMA number has eight digits, written XX-XXXXXX. Check that no digit is missing "
        "or extra."
    ),
    "lma_slash": gettext_noop(
        "Enter only the eight digits before the slash on the LMA card, written XX-XXXXXX. "
        "What follows the slash is the card's serial number."
    ),
    "temporary": gettext_noop(
        "An MTM temporary number is written YYYYMMDD-XNNN: the date of birth, a letter "
        "and three digits."
    ),
    "lma_personal_number": gettext_noop(
        "This is a personal identity number or coordination number, not an LMA number. "
        "A borrower who has one is registered with that number instead."
    ),
}

ERROR_CODES: frozenset[str] = frozenset(MESSAGES)


class IdentityError(ValueError):
    """Carries a machine code; the Django form layer maps codes to Swedish messages."""

    code: str

    def __init__(self, code: str) -> None:
        if code not in ERROR_CODES:
            # A typo here would surface as a KeyError in the form layer, far from its cause.
            raise ValueError(f"unknown identity error code: {code!r}")
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return MESSAGES[self.code]


@dataclass(frozen=True)
class Identity:
    kind: Kind
    value: str
    birth_date: date | None

    def __repr__(self) -> str:
        # Identifiers are sensitive personal data: keep them out of logs and tracebacks.
        return f"Identity(kind={self.kind.value!r}, masked={self.masked()!r})"

    def display(self) -> str:
        if self.kind is Kind.LMA:
            return f"{self.value[:2]}-{self.value[2:]}"
        return f"{self.value[:8]}-{self.value[8:]}"

    def masked(self) -> str:
        if self.kind is Kind.LMA:
            return f"{self.value[:2]}-{self.value[2:5]}***"
        return f"{self.value[:8]}-****"

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        # Comparing (month, day) makes someone born on 29 February a year older
        # on 1 March in common years.
        years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        # The latest possible birth date of someone with an unknown month can lie
        # after `day` although the number is valid: such a person is a newborn.
        return max(years, 0)

    def is_adult_on(self, day: date) -> bool | None:
        # The latest possible birth date decides: adult only when surely adult.
        if self.birth_date is None:
            return None
        return self.birth_date <= years_ago(day, ADULT_AGE)

    def is_minor_on(self, day: date, *, registered_as_minor: bool) -> bool:
        """The one minor rule for a number: an LMA number states no birth date, so an
        LMA holder is a minor as registered (the LMA forms, the admin's tick box);
        anyone else by the number on `day` (SPEC §2)."""
        if self.kind is Kind.LMA:
            return registered_as_minor
        return not self.is_adult_on(day)


def personnummer_replaces_samordningsnummer(old: str, new: str) -> bool:
    """Whether the personnummer `new` (12 digits) may replace the samordningsnummer
    `old` (12 digits, day + 60): the same birth year, and the same month and day
    wherever the samordningsnummer states them (month 00 and day 60 mean unknown)."""
    old_day = int(old[6:8]) - 60
    return old[:4] == new[:4] and old[4:6] in ("00", new[4:6]) and old_day in (0, int(new[6:8]))


# --- writing ------------------------------------------------------------------

# Word processors and phones turn a typed hyphen into one of these, and an
# East Asian input method or a font's lookalike a slash into one of the others.
_LOOKALIKES = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\uff0d", "-"),
        **dict.fromkeys("\uff0f\u2215\u2044", "/"),
    }
)

_LMA_SHAPE = re.compile(r"[0-9]{2}-?[0-9]{6}(/.*)?", re.ASCII | re.DOTALL)
_PERSONAL_CHARACTERS = re.compile(r"[0-9+-]+", re.ASCII)
_PERSONAL_SHAPE = re.compile(
    r"(?P<head>[0-9]{6}|[0-9]{8})(?P<sep>[-+]?)(?P<tail>[0-9]{4})", re.ASCII
)
_LMA_CHARACTERS = re.compile(r"[0-9-]+", re.ASCII)
_LMA_DIGITS = re.compile(r"(?P<head>[0-9]{2})-?(?P<tail>[0-9]{6})", re.ASCII)
# What only an attempt at an LMA number looks like: the dash after the first two
# characters (a personnummer never has one there), or seven bare digits.
_LMA_ATTEMPT = re.compile(r"[^-+]{2}-.*|[0-9]{7}", re.ASCII | re.DOTALL)
#: The centuries of birth a 12-digit number may begin with.
CENTURIES = (18, 19, 20)


def _compact(text: str) -> str:
    # Numbers are copied from documents with spaces in arbitrary places.
    return "".join(text.split()).translate(_LOOKALIKES)


# --- dates ---------------------------------------------------------------------


@dataclass(frozen=True)
class _BirthFields:
    """Month and day of birth as the number states them; None means unknown."""

    kind: Kind
    month: int | None
    day: int | None

    def earliest(self) -> tuple[int, int]:
        # An unknown day with a known month still starts on the 1st; an unknown month
        # with a known day is earliest in January, which has every day 1-31.
        return (self.month or 1, self.day or 1)

    def latest_date(self, year: int) -> date:
        month = self.month or 12
        day = self.day or calendar.monthrange(year, month)[1]
        return _real_date(year, month, day)

    def earliest_date(self, year: int) -> date:
        return _real_date(year, *self.earliest())


def _real_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise IdentityError("date") from None


def _birth_fields(month_field: int, day_field: int) -> _BirthFields:
    if day_field >= 60:
        # Skatteverket adds 60 to the day of a samordningsnummer; exactly 60 means
        # the day is unknown, and only then may the month be 00 (unknown) as well.
        kind, day = Kind.SAMORDNINGSNUMMER, (day_field - 60) or None
    else:
        kind, day = Kind.PERSONNUMMER, day_field
    month = month_field or None
    if month is None and kind is Kind.PERSONNUMMER:
        raise IdentityError("date")
    if (month is not None and month > 12) or (day is not None and not 1 <= day <= 31):
        raise IdentityError("date")
    return _BirthFields(kind, month, day)


def _infer_year(two_digits: int, *, centenarian: bool, today: date) -> int:
    """The century of a 10-digit number, by the YEAR someone turns 100.

    Skatteverket writes `+` from the year a person turns 100 (folkbokföringslagen
    18 §), not from the birthday: `+` means 100 or older this year, `-` (or no
    sign) 0-99 this year. So the year is the most recent one ending in
    `two_digits` that is at most this year, minus 100 for `+`.
    """
    newest = today.year - (100 if centenarian else 0)
    return newest - (newest - two_digits) % 100


# --- parsing -------------------------------------------------------------------


def parse_personal_number(text: str, *, today: date) -> Identity:
    """Personnummer or samordningsnummer, recognised automatically.

    Day 61-91 marks a samordningsnummer (day + 60), day 60 an unknown day, and
    month 00 an unknown month (only valid for samordningsnummer).
    """
    compact = _compact(text)
    if not compact:
        raise IdentityError("empty")
    if _is_birth_date(compact, today=today):
        raise IdentityError("birth_date_only")
    if _LMA_SHAPE.fullmatch(compact):
        raise IdentityError("looks_like_lma")
    if not _PERSONAL_CHARACTERS.fullmatch(compact):
        raise IdentityError("characters")
    digits = compact.replace("-", "").replace("+", "")
    if len(digits) not in (10, 12):
        raise IdentityError("length")
    shape = _PERSONAL_SHAPE.fullmatch(compact)
    if shape is None:
        raise IdentityError("separator")

    if len(digits) == 12 and int(digits[:2]) not in CENTURIES:
        raise IdentityError("century")
    fields = _birth_fields(int(digits[-8:-6]), int(digits[-6:-4]))
    if len(digits) == 12:
        year = int(digits[:4])
    else:
        year = _infer_year(int(digits[:2]), centenarian=shape["sep"] == "+", today=today)
    latest = fields.latest_date(year)
    # For an unknown month or day the earliest possible date decides: the person
    # may have been born on it (so on the 1st of the month, today is possible).
    if fields.earliest_date(year) > today:
        # Ten digits with - always give this year or earlier: a date later this
        # year means someone turning 100 this year who should have written +.
        raise IdentityError("future" if len(digits) == 12 else "plus_this_year")
    if digits[-4:-1] == "000":
        # The individual number runs 001-999.
        raise IdentityError("serial")
    if not luhn.is_valid(digits[-10:]):
        raise IdentityError("checksum")
    return Identity(kind=fields.kind, value=f"{year:04d}{digits[-8:]}", birth_date=latest)


def reads_as_birth_date(text: str, *, today: date) -> bool:
    """Eight bare digits that read as YYYYMMDD: someone left out the last four digits."""
    return _is_birth_date(_compact(text), today=today)


def _is_birth_date(compact: str, *, today: date) -> bool:
    if not (len(compact) == 8 and compact.isascii() and compact.isdigit()):
        return False
    if int(compact[:2]) not in CENTURIES:
        return False
    try:
        fields = _birth_fields(int(compact[4:6]), int(compact[6:8]))
        return fields.earliest_date(int(compact[:4])) <= today
    except IdentityError:
        return False


def parse_lma_number(text: str) -> Identity:
    compact = _compact(text)
    if not compact:
        raise IdentityError("lma_empty")
    if "/" in compact:
        raise IdentityError("lma_slash")
    if _looks_like_personal_number(compact):
        raise IdentityError("lma_personal_number")
    if not _LMA_CHARACTERS.fullmatch(compact):
        raise IdentityError("lma_characters")
    if len(compact.replace("-", "")) != 8:
        raise IdentityError("lma_length")
    shape = _LMA_DIGITS.fullmatch(compact)
    if shape is None:
        raise IdentityError("lma_separator")
    return Identity(kind=Kind.LMA, value=shape["head"] + shape["tail"], birth_date=None)


_TEMPORARY_SHAPE = re.compile(
    r"(?P<born>[0-9]{8})-?(?P<letter>[A-Z])(?P<digits>[0-9]{3})", re.ASCII
)


def parse_temporary_number(text: str) -> Identity:
    """An MTM temporary number, YYYYMMDD-XNNN, in any letter case, dash or not."""
    shape = _TEMPORARY_SHAPE.fullmatch(_compact(text).upper())
    if shape is None:
        raise IdentityError("temporary")
    born = shape["born"]
    birth_date = _real_date(int(born[:4]), int(born[4:6]), int(born[6:]))
    value = born + shape["letter"] + shape["digits"]
    return Identity(kind=Kind.TEMPORARY, value=value, birth_date=birth_date)


def _looks_like_personal_number(compact: str) -> bool:
    # Without `today` the date cannot be judged, but a matching check digit on
    # 10 or 12 digits is strong enough evidence to name the mistake.
    shape = _PERSONAL_SHAPE.fullmatch(compact)
    return shape is not None and luhn.is_valid((shape["head"] + shape["tail"])[-10:])


def parse_any_identifier(text: str, *, today: date) -> Identity:
    """One field for every kind (MTM's admin): a personnummer or samordningsnummer,
    else an LMA number; a malformed number gets the message of the kind it
    resembles. MTM's own temporary numbers (a letter among digits) are read too."""
    if _TEMPORARY_SHAPE.fullmatch(_compact(text).upper()):
        return parse_temporary_number(text)
    try:
        return parse_personal_number(text, today=today)
    except IdentityError as error:
        compact = _compact(text)
        lma_like = "/" in compact or _LMA_ATTEMPT.fullmatch(compact) is not None
        if error.code != "looks_like_lma" and not lma_like:
            raise
    return parse_lma_number(text)


def normalise_search_term(text: str, *, today: date) -> Identity | None:
    """For the one-field search box.

    The Identity if the text is a valid personnummer/samordningsnummer or LMA
    number in any accepted writing, else None (never raises).
    """
    try:
        return parse_personal_number(text, today=today)
    except IdentityError:
        pass
    for parse in (parse_lma_number, parse_temporary_number):
        try:
            return parse(text)
        except IdentityError:
            pass
    return None


def from_stored(kind: str, value: str) -> Identity:
    """Rebuild an Identity from what the database stores.

    No validation errors expected (the value was parsed before it was saved);
    used for display, so neither the check digit nor `today` is consulted.
    """
    stored_kind = Kind(kind)
    if stored_kind is Kind.TEMPORARY:
        return parse_temporary_number(value)
    if stored_kind is Kind.LMA:
        if not re.fullmatch(r"[0-9]{8}", value, re.ASCII):
            raise ValueError("stored LMA number is not 8 digits")
        return Identity(kind=stored_kind, value=value, birth_date=None)
    if not re.fullmatch(r"[0-9]{12}", value, re.ASCII):
        raise ValueError(f"stored {kind} is not 12 digits")
    fields = _birth_fields(int(value[4:6]), int(value[6:8]))
    # The stored kind wins: the number itself decided it when it was saved.
    return Identity(kind=stored_kind, value=value, birth_date=fields.latest_date(int(value[:4])))
