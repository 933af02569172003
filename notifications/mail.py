"""The one way to send a mail: queue it in the current transaction, deliver it later.

    queue_mail(MailKind.TRANSFER_ACCEPTED, to=borrower.email, language=borrower.language,
               borrower=borrower.pk)

The row and its delivery task are written in the caller's transaction, so a
rollback sends nothing and a commit loses nothing, even while the mail server is
down: the worker (`manage.py db_worker`) retries with back-off.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from smtplib import SMTPException
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from core import languages

from .models import MailKind, MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

#: kind -> function(stored context) -> template context, or None when the mail
#: is no longer relevant (its borrower was deleted, say). Filled by @mail_context.
_BUILDERS: dict[str, Callable[[dict], dict | None]] = {}


def mail_context(kind: MailKind):
    """Register how to turn a queued mail's stored context into template context.

    The builder runs at delivery time, in the worker: that is where secrets such
    as set-password tokens are minted, so they are never stored.
    """

    def register(builder):
        _BUILDERS[kind] = builder
        return builder

    return register


def queue_mail(
    kind: MailKind, *, to: str, language: str = settings.LANGUAGE_CODE, **context
) -> OutgoingMail:
    """Queue one mail in the current transaction. `context` must be JSON: ids and strings.
    `language`: the recipient's (a borrower's); staff mail is always Swedish."""
    mail = OutgoingMail.objects.create(
        kind=kind, to=to, context=context, language=languages.supported(language)
    )
    deliver_mail.enqueue(mail.pk)
    return mail


def queue_mails(kind: MailKind, mails: list[tuple[str, dict]]) -> list[OutgoingMail]:
    """Queue many mails of one kind in the current transaction, in a fixed number of
    queries (for cron batches): the rows in bulk, then one task that gives each mail
    its own delivery task, and so its own retries. `mails` is [(to, context), …] or
    [(to, context, language), …]."""
    rows = OutgoingMail.objects.bulk_create(
        [
            OutgoingMail(
                kind=kind,
                to=mail[0],
                context=mail[1],
                language=languages.supported(mail[2] if len(mail) > 2 else None),
            )
            for mail in mails
        ]
    )
    if rows:
        enqueue_deliveries.enqueue([row.pk for row in rows])
    return rows


def resend(mail: OutgoingMail) -> None:
    """Give a finally failed (or cancelled) mail a fresh set of attempts."""
    with transaction.atomic():
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=MailStatus.QUEUED, attempts=0, last_error="", next_attempt_at=None
        )
        deliver_mail.enqueue(mail.pk)


def render_mail(
    kind: str, *, to: str, context: dict, language: str = settings.LANGUAGE_CODE
) -> EmailMultiAlternatives:
    """Render a mail from templates/mail/<kind>.subject.txt, .txt and .html, in `language`
    (the one stored on the queued mail), and say so in a Content-Language header."""
    language = languages.supported(language)
    context = {
        "site_url": settings.SITE_URL,
        "LANGUAGE_CODE": language,
        "LANGUAGE_DIR": languages.direction(language),
        **context,
    }
    with translation.override(language):
        subject = " ".join(render_to_string(f"mail/{kind}.subject.txt", context).split())
        text = render_to_string(f"mail/{kind}.txt", context)
        html = render_to_string(f"mail/{kind}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.extra_headers["Content-Language"] = language
    return message


def message_id(mail: OutgoingMail) -> str:
    """The same Message-ID on every attempt at one mail, so that mail systems (and
    people) can tell a duplicate when a worker died after the server accepted it."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<mail-{mail.pk}.{mail.created_at:%Y%m%d%H%M%S%f}@{host}>"


def build_context(mail: OutgoingMail) -> dict | None:
    """The template context, built in the mail's language (a builder may translate)."""
    builder = _BUILDERS.get(mail.kind)
    with translation.override(languages.supported(mail.language)):
        return builder(mail.context) if builder else dict(mail.context)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most an hour between attempts."""
    seconds = settings.MAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 3600))


@task()
def deliver_mail(mail_id: int) -> str:
    """Send one queued mail; on a delivery error, schedule a retry or give up."""
    with transaction.atomic():
        # The row lock keeps two workers from sending the same mail.
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status != MailStatus.QUEUED:
            return "skipped"
        try:
            with transaction.atomic():  # a savepoint: the mail row stays writable
                context = build_context(mail)
                if context is not None:
                    message = render_mail(
                        mail.kind, to=mail.to, context=context, language=mail.language
                    )
        except Exception as error:
            # A bug, not the mail server: retrying will not help. Mark it FAILED so
            # MTM sees it in the admin instead of it staying QUEUED with a dead task.
            logger.exception("Mail %s (%s) could not be rendered", mail.pk, mail.kind)
            mail.attempts += 1
            mail.status = MailStatus.FAILED
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
            mail.save()
            return "failed"
        if context is None:
            mail.status = MailStatus.CANCELLED
            mail.save(update_fields=["status"])
            return "cancelled"
        mail.attempts += 1
        mail.subject = message.subject[:200]
        message.extra_headers["Message-ID"] = message_id(mail)
        try:
            message.send()
        except (SMTPException, OSError) as error:
            return _record_failure(mail, error)
        except ValueError as error:  # an address Django refuses: retrying will not help
            return _record_failure(mail, error, final=True)
        mail.status = MailStatus.SENT
        mail.sent_at = timezone.now()
        mail.last_error = ""
        mail.next_attempt_at = None
        mail.save()
        return "sent"


@task()
def enqueue_deliveries(mail_ids: list[int]) -> int:
    """Fan a batch queued by queue_mails out into one delivery task per mail."""
    with transaction.atomic():
        for mail_id in mail_ids:
            deliver_mail.enqueue(mail_id)
    return len(mail_ids)


def _record_failure(mail: OutgoingMail, error: Exception, *, final: bool = False) -> str:
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    backend = deliver_mail.get_backend()
    if final or mail.attempts >= settings.MAIL_MAX_ATTEMPTS or not backend.supports_defer:
        mail.status = MailStatus.FAILED
        mail.next_attempt_at = None
        mail.save()
        logger.error(
            "Mail %s (%s) failed for good after %s attempts", mail.pk, mail.kind, mail.attempts
        )
        return "failed"
    mail.next_attempt_at = timezone.now() + retry_delay(mail.attempts)
    mail.save()
    deliver_mail.using(run_after=mail.next_attempt_at).enqueue(mail.pk)
    logger.warning("Mail %s (%s) attempt %s failed; retrying", mail.pk, mail.kind, mail.attempts)
    return "retrying"
