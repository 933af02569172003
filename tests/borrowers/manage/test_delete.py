"""Radera kontot: a confirmation page, then the borrower and everything personal is gone."""

from datetime import date

from django.urls import reverse

from audit.models import Action, AuditEvent
from borrowers.models import Borrower, ExpiryReminder
from notifications.mail import queue_mail
from notifications.models import MailKind, MailStatus, OutgoingMail


def test_the_confirmation_page_names_the_borrower_and_changes_nothing(registrar_client, borrower_a):
    html = registrar_client.get(
        reverse("borrowers:delete", args=[borrower_a.code])
    ).content.decode()
    assert "Vill du radera kontot för Anna Andersson" in html
    assert borrower_a.masked_identifier in html and borrower_a.identifier not in html
    assert '<button type="submit" class="btn btn-danger">Radera kontot</button>' in html
    assert Borrower.objects.filter(pk=borrower_a.pk).exists()


def test_deleting_removes_the_borrower_reminders_and_their_mail(
    registrar_client, registrar, borrower_a, services, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    borrower_a.services.set([services["Laddare"]])
    ExpiryReminder.objects.create(borrower=borrower_a, valid_until=date(2026, 4, 1))
    queued = queue_mail(
        MailKind.EXPIRY_REMINDER, to=borrower_a.email.upper(), borrower=borrower_a.pk
    )
    sent = OutgoingMail.objects.create(
        kind=MailKind.BORROWER_CREDENTIALS, to=borrower_a.email, status=MailStatus.SENT
    )
    staff_mail = OutgoingMail.objects.create(kind=MailKind.STAFF_WELCOME, to=registrar.email)
    code = borrower_a.code

    response = registrar_client.post(reverse("borrowers:delete", args=[code]))

    assert response.status_code == 302 and response.url == reverse("libraries:my_library")
    assert not Borrower.objects.filter(code=code).exists()
    assert not ExpiryReminder.objects.exists()
    assert not OutgoingMail.objects.filter(pk__in=[queued.pk, sent.pk]).exists()
    assert OutgoingMail.objects.filter(pk=staff_mail.pk).exists()
    event = AuditEvent.objects.get(action=Action.DELETED)
    assert (event.actor, event.borrower_code) == (registrar, code)
    assert event.fields == [] and event.detail == {} and event.search_hash == ""
    page = registrar_client.get(response.url).content.decode()
    assert "Kontot för Anna Andersson är raderat." in page


def test_the_audit_history_survives_the_deletion(registrar_client, borrower_a):
    registrar_client.get(reverse("borrowers:detail", args=[borrower_a.code]))
    registrar_client.post(reverse("borrowers:delete", args=[borrower_a.code]))
    actions = set(
        AuditEvent.objects.filter(borrower_code=borrower_a.code).values_list("action", flat=True)
    )
    assert actions == {Action.VIEWED, Action.DELETED}
