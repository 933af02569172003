"""A mail when a password changes: the staff member's own (Mina uppgifter, a reset
link) and the borrower's own (Mina sidor, Glömt lösenord), never when a registrar
sets a borrower's password (the handbook: no mail then), nor for a first password."""

import re

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from borrowers.credentials import make_token
from notifications.models import MailKind, OutgoingMail
from tests.accounts.test_profile import change_password
from tests.selfservice.conftest import borrower, borrower_client, with_password  # noqa: F401
from tests.selfservice.test_pages import change as change_on_mina_sidor

NEW = "ett-nytt-och-långt-lösenord"


def changed_mails(kind):
    return list(OutgoingMail.objects.filter(kind=kind))


def set_via_staff_link(client, user, password=NEW):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    page = client.get(
        reverse("accounts:set_password_link", args=[uid]) + f"?token={token}", follow=True
    )
    return client.post(
        page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )


def test_own_password_on_mina_uppgifter(registrar_client, registrar, mailoutbox):
    change_password(registrar_client)
    (mail,) = changed_mails(MailKind.STAFF_PASSWORD_CHANGED)
    assert mail.to == registrar.email and mail.context == {"user": registrar.pk}
    (sent,) = mailoutbox
    assert sent.subject == "Ditt lösenord till användarregistret har ändrats"
    assert "Om det inte var du, kontakta MTM genast" in sent.body
    assert NEW not in sent.body


def test_own_password_by_a_reset_link(client, registrar, mailoutbox):
    assert set_via_staff_link(client, registrar).status_code == 302
    assert len(changed_mails(MailKind.STAFF_PASSWORD_CHANGED)) == 1


def test_no_mail_for_the_first_password_from_the_welcome_mail(client, registrar):
    registrar.set_unusable_password()
    registrar.save()
    assert set_via_staff_link(client, registrar).status_code == 302
    assert changed_mails(MailKind.STAFF_PASSWORD_CHANGED) == []


def test_no_mail_when_the_form_is_refused(registrar_client):
    change_password(registrar_client, old="fel")
    assert changed_mails(MailKind.STAFF_PASSWORD_CHANGED) == []


def test_borrowers_own_password_on_mina_sidor(borrower_client, borrower, mailoutbox):  # noqa: F811
    change_on_mina_sidor(borrower_client)
    (mail,) = changed_mails(MailKind.BORROWER_PASSWORD_CHANGED)
    assert mail.to == borrower.email
    sent = mailoutbox[-1]
    assert sent.subject == "Ditt lösenord för talböcker har ändrats"
    assert re.search(r"Om det inte var du, kontakta Bibliotek A.* genast", sent.body)


def test_borrowers_own_password_by_glomt_losenord(client, borrower):  # noqa: F811
    client.get(
        reverse("selfservice:password_link") + "?token=" + make_token(borrower, purpose="reset")
    )
    response = client.post(
        reverse("selfservice:reset_password"), {"new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert len(changed_mails(MailKind.BORROWER_PASSWORD_CHANGED)) == 1


def test_no_mail_when_a_registrar_sets_a_borrowers_password(registrar_client, borrower_a):
    response = registrar_client.post(
        reverse("borrowers:password", args=[borrower_a.code]),
        {"new_password1": "Blåbärssylt9", "new_password2": "Blåbärssylt9"},
    )
    assert response.status_code == 302
    assert changed_mails(MailKind.BORROWER_PASSWORD_CHANGED) == []


def test_a_link_for_no_account_is_an_invalid_link_not_an_error(client, db):
    uid = urlsafe_base64_encode(force_bytes(999_999))
    url = reverse("accounts:set_password_link", args=[uid]) + "?token=x"
    response = client.get(url, follow=True)
    assert response.status_code == 200 and not response.context["validlink"]
