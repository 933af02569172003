"""The plausible range of every date the registry takes, in one place.

A date field accepts any real calendar date, 0001-01-01 and 9999-12-31 included;
stored, such a date breaks arithmetic (the statistics' month after 9999-12) and
reads as a mistake. So:

- every date typed into a form (SwedishDateField) and every date stored on a model
  (validate_plausible_date) lies from EARLIEST_DATE to YEARS_AHEAD years after today;
- a date of birth (a guardian's, a student's) lies from EARLIEST_DATE to today
  (validate_birth_date);
- Statistik counts within the registry's lifetime: from REGISTRY_START to the end
  of the current year (statistics_range).

The messages name the range, so a registrar knows what to write instead.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Nobody living was born before this day; no other date of the registry lies before it.
EARLIEST_DATE = date(1890, 1, 1)
#: A validity, an LMA card's expiry or an end of studies lies at most this far ahead.
YEARS_AHEAD = 10
#: The first day the registry holds figures for (Statistik starts here).
REGISTRY_START = date(2000, 1, 1)


def years_after(day: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest_date(today: date | None = None) -> date:
    """The last plausible date of any date field."""
    return years_after(today or timezone.localdate(), YEARS_AHEAD)


def statistics_range(today: date | None = None) -> tuple[date, date]:
    """Statistik's range: the registry's lifetime, to the end of the current year."""
    today = today or timezone.localdate()
    return REGISTRY_START, date(today.year, 12, 31)


def check_range(value: date | None, earliest: date, latest: date) -> None:
    """Raise ValidationError (code "out_of_range") when the date lies outside."""
    if value is None or earliest <= value <= latest:
        return
    raise ValidationError(
        _("Write a date from %(earliest)s to %(latest)s."),
        code="out_of_range",
        params={"earliest": f"{earliest:%Y-%m-%d}", "latest": f"{latest:%Y-%m-%d}"},
    )


def validate_plausible_date(value: date | None) -> None:
    """Model and form validator: EARLIEST_DATE to YEARS_AHEAD years from today."""
    check_range(value, EARLIEST_DATE, latest_date())


def validate_statistics_date(value: date | None) -> None:
    """Statistik's Från and Till: within statistics_range()."""
    check_range(value, *statistics_range())


def validate_birth_date(value: date | None) -> None:
    """Model and form validator for a date of birth: EARLIEST_DATE to today."""
    if value is None:
        return
    today = timezone.localdate()
    if not EARLIEST_DATE <= value <= today:
        raise ValidationError(
            _("A date of birth lies from %(earliest)s to today."),
            code="implausible_birth_date",
            params={"earliest": f"{EARLIEST_DATE:%Y-%m-%d}"},
        )
