"""Reminders run on a fixed morning: Monday 2025-03-10, 06:15 in Stockholm (the cron hour)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories import BorrowerFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = date(2025, 3, 10)


def morning_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 6, 15, tzinfo=STOCKHOLM)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(morning_of(TODAY), tick=False)
    return TODAY


@pytest.fixture
def ends_in(library_a, today):
    """ends_in(3) -> a borrower at library A whose validity ends in 3 days."""

    def make(days: int, **kwargs):
        if not kwargs.get("protected"):
            kwargs.setdefault("library", library_a)
        return BorrowerFactory(valid_until=today + timedelta(days=days), **kwargs)

    return make


@pytest.fixture
def queue_without_delivery(settings):
    """Mail is queued in the database and left there: no worker runs in these tests."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
