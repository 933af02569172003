"""How long the oldest unsent mail has waited: for /healthz and mail_queue_status."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from .models import MailStatus, OutgoingMail


def oldest_queued_age() -> timedelta | None:
    """How long the oldest mail still *I kö* has waited; None when nothing waits."""
    oldest = OutgoingMail.objects.filter(status=MailStatus.QUEUED).aggregate(Min("created_at"))
    queued_at = oldest["created_at__min"]
    return None if queued_at is None else timezone.now() - queued_at


def queue_is_late(age: timedelta | None, max_minutes: int | None = None) -> bool:
    """Has mail waited longer than MAIL_QUEUE_MAX_AGE_MINUTES (or max_minutes)?"""
    limit = settings.MAIL_QUEUE_MAX_AGE_MINUTES if max_minutes is None else max_minutes
    return age is not None and age > timedelta(minutes=limit)
