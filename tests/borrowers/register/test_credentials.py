"""Login details by e-mail and the borrower's set-password page (SPEC §2 Credentials,
security.md §13)."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from borrowers.models import Borrower
from notifications.models import OutgoingMail
from tests.factories import BorrowerFactory

from .conftest import create_url, valid_data

LINK = re.compile(r"https://register\.example(/lantagare/losenord/\?token=[^\s\"<]+)")
PASSWORD = "blå-sommar-eka"


@pytest.fixture
def borrower(library_a):
    return BorrowerFactory(
        library=library_a, identifier="198501139995", first_name="Nora", email="nora@post.example"
    )


def mailed_link(mail) -> str:
    """The set-password page of the mailed link, in the form that holds the token in
    its path (still served for links sent before the query form): these tests open
    and post to it many times; test_the_mailed_link_* follow the mailed form itself."""
    token = LINK.search(mail.body).group(1).split("?token=")[1]
    return reverse("borrowers:choose_password", args=[unquote(token)])


@pytest.fixture
def link(borrower, registrar, mailoutbox):
    borrower.send_credentials(by=registrar)
    return mailed_link(mailoutbox[-1])


# --- the mail ------------------------------------------------------------------


def test_the_mail_gives_the_login_and_a_link_but_no_identity_number(registrar_client, mailoutbox):
    registrar_client.post(create_url("adult"), valid_data("adult"))
    (mail,) = mailoutbox
    assert mail.subject == "Ditt konto till Legimus: välj ditt lösenord"
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    for body in (mail.body, html):
        assert "nora.ny@post.example" in body
        assert LINK.search(body)
        assert "14 dagar" in body
        assert not re.search(r"\d{6}-?\d{4}", body.replace(LINK.search(body).group(0), ""))
        assert "9995" not in body and "Nora" not in body
    assert "e-postadress: nora.ny@post.example" in mail.body


def test_the_token_is_minted_at_delivery_and_never_stored(link, borrower):
    token = link.split("/")[-2]
    stored = OutgoingMail.objects.get()
    assert stored.context == {"borrower": borrower.pk}
    assert token not in str(stored.__dict__)
    assert token not in str(list(AuditEvent.objects.values()))


def test_a_mail_for_a_deleted_borrower_is_not_sent(borrower, registrar, mailoutbox, settings):
    from notifications.mail import deliver_mail
    from notifications.models import MailStatus

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    borrower.send_credentials(by=registrar)
    mail = OutgoingMail.objects.get()
    borrower.delete()
    deliver_mail.call(mail.pk)
    mail.refresh_from_db()
    assert mail.status == MailStatus.CANCELLED and mailoutbox == []


# --- the set-password page --------------------------------------------------------


def test_the_link_opens_a_public_page_without_caching_or_full_referrer(client, link):
    response = client.get(link)
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "strict-origin"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "<h1>Välj ditt lösenord</h1>" in page and "nora@post.example" in page
    assert "data-show-password" in page and page.count("data-password") == 2
    assert 'autocomplete="new-password"' in page


def test_the_mailed_link_moves_the_token_out_of_the_address(
    client, borrower, registrar, mailoutbox
):
    borrower.send_credentials(by=registrar)
    mailed = LINK.search(mailoutbox[-1].body).group(1)
    response = client.get(mailed)
    here = reverse("borrowers:choose_password_here")
    assert response.status_code == 302 and response["Location"] == here
    assert "<h1>Välj ditt lösenord</h1>" in client.get(here).content.decode()
    response = client.post(here, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response["Location"] == reverse("borrowers:password_chosen")
    borrower.refresh_from_db()
    assert borrower.check_password(PASSWORD)
    # Used: neither the token-less page nor the mailed link works again.
    assert client.get(here).status_code == 404
    assert client.get(mailed, follow=True).status_code == 404


def test_the_borrower_chooses_a_password_once(client, link, borrower):
    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("borrowers:password_chosen")
    borrower.refresh_from_db()
    assert borrower.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action=Action.PASSWORD_SET, borrower_code=borrower.code)
    # Used: the link no longer works, for viewing or for posting.
    again = client.get(link)
    assert again.status_code == 404 and "Länken fungerar inte längre" in again.content.decode()
    client.post(link, {"new_password1": "annat-lösen-9", "new_password2": "annat-lösen-9"})
    borrower.refresh_from_db()
    assert borrower.check_password(PASSWORD)


def test_of_two_submits_of_one_link_at_once_the_second_is_refused(
    client, link, borrower, monkeypatch
):
    """Both submits found the link valid; the other one took the row lock first and
    set its password. This one, let in after it, sees the new hash and is refused."""
    take_lock = type(Borrower.objects).select_for_update

    def other_submit_wins(manager, *args, **kwargs):
        other = Borrower.objects.get(pk=borrower.pk)
        other.set_password("den-andras-lösen")
        other.save(update_fields=["password", "updated_at"])
        return take_lock(manager, *args, **kwargs)

    monkeypatch.setattr(type(Borrower.objects), "select_for_update", other_submit_wins)
    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 404
    assert "Länken fungerar inte längre" in response.content.decode()
    borrower.refresh_from_db()
    assert borrower.check_password("den-andras-lösen") and not borrower.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_SET).exists()


def test_the_confirmation_page_is_public(client):
    response = client.get(reverse("borrowers:password_chosen"))
    assert response.status_code == 200
    assert "Ditt lösenord är sparat" in response.content.decode()


@pytest.mark.parametrize(
    ("first", "second", "field", "message"),
    [
        ("kort5", "kort5", "new_password1", "Lösenordet är för kort: det måste ha minst 6 tecken."),
        ("password", "password", "new_password1", "Lösenordet är för vanligt"),
        (PASSWORD, PASSWORD + "x", "new_password2", "De två lösenorden är inte likadana"),
        ("", "", "new_password1", "Skriv ett lösenord."),
    ],
)
def test_the_password_rules(client, link, borrower, first, second, field, message):
    response = client.post(link, {"new_password1": first, "new_password2": second})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(error.startswith(message) for error in errors), errors
    borrower.refresh_from_db()
    assert not borrower.has_usable_password()


def test_six_characters_are_enough(client, link, borrower):
    client.post(link, {"new_password1": "bläck6", "new_password2": "bläck6"})
    borrower.refresh_from_db()
    assert borrower.check_password("bläck6")


def test_the_link_is_valid_for_14_days(client, link, borrower):
    with time_machine.travel(timezone.now() + timedelta(days=13, hours=23)):
        assert client.get(link).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        assert client.get(link).status_code == 404
        client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    borrower.refresh_from_db()
    assert not borrower.has_usable_password()


def test_a_fresh_link_ends_the_earlier_one(client, link, borrower, registrar, mailoutbox):
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        borrower.send_credentials(by=registrar)
        fresh = mailed_link(mailoutbox[-1])
        assert client.get(link).status_code == 404
        assert client.get(fresh).status_code == 200


def test_a_tampered_link_does_not_work(client, link):
    assert client.get(link[:-3] + "x/").status_code == 404


def test_passwords_are_not_in_the_audit_log_or_the_mail_queue(client, link, borrower):
    client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert PASSWORD not in str(list(AuditEvent.objects.values()))
    assert PASSWORD not in str(list(OutgoingMail.objects.values()))
    borrower.refresh_from_db()
    assert PASSWORD not in borrower.password


# --- Skicka inloggningsuppgifter igen ---------------------------------------------


def test_registrar_sends_login_details_again(registrar_client, registrar, borrower, mailoutbox):
    Borrower.objects.filter(pk=borrower.pk).update(credentials_sent_at=timezone.now())
    url = reverse("borrowers:send_credentials", args=[borrower.code])
    response = registrar_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("borrowers:detail", args=[borrower.code])
    assert [m.to for m in mailoutbox] == [["nora@post.example"]]
    event = AuditEvent.objects.get(action=Action.CREDENTIALS_SENT)
    assert event.actor == registrar and event.borrower_code == borrower.code
    borrower.refresh_from_db()
    assert borrower.credentials_sent_at is not None
    page = registrar_client.get(response["Location"]).content.decode()
    assert "en ny länk för att välja lösenord skickas till nora@post.example" in page


def test_sending_again_needs_a_post(registrar_client, borrower):
    url = reverse("borrowers:send_credentials", args=[borrower.code])
    assert registrar_client.get(url).status_code == 405


def test_sending_again_is_scoped_to_the_library(registrar_client, borrower_b, mailoutbox):
    protected = BorrowerFactory(protected=True)
    for other in (borrower_b, protected):
        url = reverse("borrowers:send_credentials", args=[other.code])
        assert registrar_client.post(url).status_code == 404
    assert mailoutbox == [] and not AuditEvent.objects.exists()


def test_sending_again_is_for_registrars_only(client, mediator, borrower):
    client.force_login(mediator)
    url = reverse("borrowers:send_credentials", args=[borrower.code])
    assert client.post(url).status_code == 403
