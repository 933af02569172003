import re

import time_machine
from django.urls import reverse

from tests.factories import TEST_PASSWORD

RESET = reverse("accounts:password_reset")


def ask_for_reset(client, email):
    return client.post(RESET, {"email": email})


def link_in(message) -> str:
    return re.search(r"https://register\.example(/konto/nytt-losenord/\S+)", message.body).group(1)


def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, registrar, mailoutbox):
    known = ask_for_reset(client, registrar.email)
    unknown = ask_for_reset(client, "ingen@a.example")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [registrar.email]


def test_reset_mail_is_swedish_with_text_and_html(client, registrar, mailoutbox):
    ask_for_reset(client, registrar.email.upper())
    mail = mailoutbox[0]
    assert mail.subject == "Välj ett nytt lösenord till användarregistret"
    assert "Välj ett nytt lösenord här:" in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and 'lang="sv"' in html


def test_reset_link_sets_a_new_password_and_works_only_once(client, registrar, mailoutbox):
    ask_for_reset(client, registrar.email)
    link = link_in(mailoutbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new_password = "en-helt-ny-mening-att-minnas"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    registrar.refresh_from_db()
    assert registrar.check_password(new_password)
    again = client.get(link, follow=True)
    assert not again.context["validlink"]


def test_reset_link_expires(client, registrar, mailoutbox, settings):
    with time_machine.travel("2026-11-28 09:00 +01:00", tick=False):
        ask_for_reset(client, registrar.email)
    with time_machine.travel("2026-11-28 11:01 +01:00", tick=False):
        page = client.get(link_in(mailoutbox[0]), follow=True)
    assert not page.context["validlink"]
    assert "Länken fungerar inte längre" in page.content.decode()


def test_deactivated_accounts_get_no_reset_mail(client, registrar, mailoutbox):
    registrar.is_active = False
    registrar.save()
    ask_for_reset(client, registrar.email)
    assert mailoutbox == []


def test_reset_refuses_a_weak_password(client, registrar, mailoutbox):
    ask_for_reset(client, registrar.email)
    page = client.get(link_in(mailoutbox[0]), follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    registrar.refresh_from_db()
    assert registrar.check_password(TEST_PASSWORD)
