"""/healthz for the proxy and compose, mail_queue_status for a monitoring cron."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from notifications.mail import queue_mail
from notifications.models import MailKind, MailStatus, OutgoingMail
from portal import health

pytestmark = pytest.mark.django_db


def queued(registrar, *, minutes_ago, status=MailStatus.QUEUED):
    mail = queue_mail(MailKind.STAFF_PASSWORD_RESET, to=registrar.email, user=registrar.pk)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago), status=status
    )
    return mail


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_healthy_registry_answers_ok_without_login_or_personal_data(client, registrar):
    response = client.get(reverse("portal:healthz"))
    assert response.status_code == 200
    text = response.content.decode()
    assert text == "database: ok\nmigrations: ok\nmail: ok (none queued)\n"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie


def test_late_mail_is_reported_but_keeps_the_site_in_the_proxy(
    client, registrar, database_queue, settings
):
    settings.MAIL_QUEUE_MAX_AGE_MINUTES = 30
    queued(registrar, minutes_ago=31)
    response = client.get(reverse("portal:healthz"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "mail: late (oldest queued 18" in text  # 31 min ≈ 1860 s
    assert registrar.email not in text


def test_an_unreachable_database_answers_503(client, monkeypatch):
    def down(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health, "oldest_queued_age", down)
    response = client.get(reverse("portal:healthz"))
    assert response.status_code == 503
    assert response.content.decode().startswith("database: unreachable\n")


def test_a_missing_migration_answers_503(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("a", False)]
    )
    response = client.get(reverse("portal:healthz"))
    assert response.status_code == 503
    assert "migrations: pending" in response.content.decode()


def test_mail_queue_status_is_quiet_when_mail_flows(registrar, database_queue, capsys):
    queued(registrar, minutes_ago=5)
    queued(registrar, minutes_ago=90, status=MailStatus.SENT)
    call_command("mail_queue_status")
    out = capsys.readouterr().out
    assert "1 mail queued, the oldest for 5 min (limit 30 min)" in out
    assert registrar.email not in out


def test_mail_queue_status_fails_when_mail_waits_too_long(registrar, database_queue):
    queued(registrar, minutes_ago=45)
    queued(registrar, minutes_ago=50, status=MailStatus.FAILED)
    with pytest.raises(CommandError, match="Mail is late") as raised:
        call_command("mail_queue_status")
    assert raised.value.returncode == 1
    assert "1 failed in the last 24 h" in str(raised.value)
    call_command("mail_queue_status", "--max-age-minutes", "60")  # a looser limit passes
