"""Glömt lösenord on Mina sidor: a single-use, two-hour link by mail."""

import re
from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from notifications.models import MailKind, MailStatus, OutgoingMail

from .conftest import PASSWORD, login

FORGOT = reverse("selfservice:forgot_password")
CHOOSE = reverse("selfservice:reset_password")
DETAILS = reverse("selfservice:details")
NEW = "Vinterljus vid sjön"


def ask(client, email="lena@post.example"):
    return client.post(FORGOT, {"email": email})


def link_in(message) -> str:
    return re.search(r"https://register\.example(/mina-sidor/nytt-losenord/\S+)", message.body)[1]


def choose(client, link, password=NEW, repeat=None):
    client.get(link)
    return client.post(CHOOSE, {"new_password1": password, "new_password2": repeat or password})


def test_known_and_unknown_addresses_get_the_same_answer(client, borrower):
    known = ask(client)
    unknown = ask(client, "ingen@post.example")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("selfservice:forgot_password_sent")
    page = client.get(known.url).content.decode()
    assert "Om adressen hör till ett konto" in page
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [borrower.email]


def test_the_mail_has_a_link_and_no_identity_number_or_password(client, borrower):
    ask(client, "LENA@post.example")
    message = mail.outbox[0]
    assert message.subject == "Välj ett nytt lösenord till Legimus"
    assert link_in(message)
    html = message.alternatives[0][0]
    assert link_in(message) in html
    for text in (message.body, html):
        assert borrower.identifier not in text and borrower.identifier[:8] not in text
        assert "2 timmar" in text
    stored = OutgoingMail.objects.get(kind=MailKind.BORROWER_PASSWORD_RESET)
    assert "token" not in str(stored.context) and link_in(message) not in str(stored.context)


def test_the_link_sets_a_new_password_once(client, borrower):
    ask(client)
    link = link_in(mail.outbox[0])
    response = client.get(link)
    # The token leaves the address at once.
    assert response.status_code == 302 and response.url == CHOOSE
    page = client.get(CHOOSE)
    assert "Välj ett nytt lösenord" in page.content.decode()

    response = client.post(CHOOSE, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response.url == reverse("selfservice:login")
    assert "borrower_code" not in client.session  # not logged in automatically
    borrower.refresh_from_db()
    assert borrower.check_password(NEW)
    assert AuditEvent.objects.filter(
        action=Action.PASSWORD_SET, borrower_code=borrower.code, detail={"via": "reset_link"}
    ).exists()
    assert login(Client(), password=NEW).status_code == 302

    again = choose(Client(), link, password="Ännu ett nytt lösenord")
    assert "Länken fungerar inte längre" in again.content.decode()
    borrower.refresh_from_db()
    assert borrower.check_password(NEW)


def test_the_link_expires_after_two_hours(client, borrower):
    with time_machine.travel("2030-03-01 09:00 +01:00", tick=False) as clock:
        ask(client)
        link = link_in(mail.outbox[0])
        clock.shift(timedelta(hours=2, minutes=1))
        response = choose(client, link)
    assert "Länken fungerar inte längre" in response.content.decode()
    borrower.refresh_from_db()
    assert borrower.check_password(PASSWORD)


def test_the_choose_page_refuses_a_forged_token(client, borrower):
    response = choose(client, reverse("selfservice:reset_link", args=["inte-en-riktig-nyckel"]))
    assert "Länken fungerar inte längre" in response.content.decode()


def test_the_new_password_follows_the_rules(client, borrower):
    ask(client)
    response = choose(client, link_in(mail.outbox[0]), password="kort")
    assert response.status_code == 200
    assert "minst 6 tecken" in " ".join(response.context["form"].errors["new_password1"])


def test_a_reset_ends_every_session_of_the_borrower(client, borrower):
    logged_in = Client()
    login(logged_in)
    ask(client)
    choose(client, link_in(mail.outbox[0]))
    assert logged_in.get(DETAILS).status_code == 302


def test_a_reset_lifts_a_login_lockout(client, borrower):
    for _ in range(3):
        login(client, password="fel")
    assert login(client, password=NEW).status_code == 429
    ask(client)
    choose(client, link_in(mail.outbox[0]))
    assert login(client, password=NEW).status_code == 302


def test_reset_mails_to_one_address_are_limited(client, borrower, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        response = ask(client)
        assert response.status_code == 302
    assert len(mail.outbox) == settings.AXES_FAILURE_LIMIT


def test_a_link_is_not_sent_to_an_address_the_account_no_longer_has(client, borrower, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ask(client)
    from borrowers.resets import send_borrower_reset

    send_borrower_reset.call(borrower.email)  # the worker's part of the request
    borrower.email = "ny-adress@post.example"
    borrower.save()
    from notifications.mail import deliver_mail

    queued = OutgoingMail.objects.get(kind=MailKind.BORROWER_PASSWORD_RESET)
    deliver_mail.call(queued.pk)
    queued.refresh_from_db()
    assert queued.status == MailStatus.CANCELLED
    assert mail.outbox == []
