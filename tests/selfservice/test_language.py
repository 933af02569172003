"""The borrower's own language on Mina sidor and the set-password pages; the switch
before login (a cookie); the account's language after login; the registrar's pages
staying Swedish whatever the cookie says."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from borrowers.credentials import make_token
from borrowers.identity import parse_personal_number
from borrowers.models import AgreementText, Borrower
from libraries.models import Library
from notifications.models import MailKind, OutgoingMail
from tests.languages import english_in, swedish_in
from tests.selfservice.conftest import LOGIN, PASSWORD, login

COOKIE = settings.LANGUAGE_COOKIE_NAME
PAGES = [
    "selfservice:details",
    "selfservice:change_password",
    "privacy:borrower_extract",
    "selfservice:transfer",
    "selfservice:change_language",
]


def data(borrower) -> list[str]:
    names = list(Library.objects.values_list("name", flat=True))
    return [*names, borrower.first_name, borrower.last_name, "Legimus", "MTM", "LMA", "JSON"]


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)" dir="([^"]+)"', response.content.decode()).groups()


@pytest.fixture
def english_borrower(borrower):
    borrower.language = "en"
    borrower.save()
    return borrower


@pytest.mark.parametrize("name", PAGES)
def test_mina_sidor_is_in_the_borrowers_english(client, english_borrower, name):
    login(client)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert html_lang(response) == ("en", "ltr")
    assert response["Content-Language"] == "en"
    main = response.content.decode()
    assert not swedish_in(main, data=data(english_borrower)), name


@pytest.mark.parametrize("name", PAGES)
def test_mina_sidor_is_in_swedish_for_a_swedish_borrower(borrower_client, borrower, name):
    response = borrower_client.get(reverse(name))
    assert html_lang(response) == ("sv", "ltr")
    assert not english_in(response.content.decode(), data=data(borrower)), name


def test_the_register_extract_shows_the_language_and_the_agreement_accepted(
    client, registrar, library_a
):
    borrower = Borrower.objects.register(
        by=registrar,
        identity=parse_personal_number("19900101-2385", today=timezone.localdate()),
        email="reg@post.example",
        valid_until=None,
        library=library_a,
        first_name="Ann",
        last_name="Berg",
        send_credentials=False,
        language="en",
    )
    borrower.set_password(PASSWORD)
    borrower.save()
    login(client, email="reg@post.example")
    page = client.get(reverse("privacy:borrower_extract")).content.decode()
    assert "<dt>Language</dt><dd>English</dd>" in page
    assert "MTM&#x27;s lending rules for Legimus" in page
    assert not swedish_in(page, data=data(borrower))
    as_file = client.get(reverse("privacy:borrower_extract") + "?format=json").json()
    assert as_file["account"]["language"] == "English"
    assert as_file["agreement"]["text"] == AgreementText.current("en").text


def test_the_login_page_switches_language_with_a_cookie(client, db):
    page = client.get(LOGIN)
    assert html_lang(page) == ("sv", "ltr")
    assert 'value="en"' in page.content.decode()
    response = client.post(reverse("selfservice:language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert response.cookies[COOKIE].value == "en"
    assert response.cookies[COOKIE]["httponly"]
    page = client.get(LOGIN)
    assert html_lang(page) == ("en", "ltr")
    assert "Log in to My pages" in page.content.decode()
    assert not swedish_in(page.content.decode(), data=["Legimus", "MTM"])
    forgot = client.get(reverse("selfservice:forgot_password"))
    assert html_lang(forgot) == ("en", "ltr")


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/admin/", "/mina-sidor/../admin/"],
)
def test_the_switch_never_leads_away_from_the_borrowers_pages(client, db, target):
    response = client.post(reverse("selfservice:language"), {"language": "en", "next": target})
    assert response["Location"] == LOGIN


def test_the_switch_refuses_a_language_we_do_not_have(client, db):
    client.post(reverse("selfservice:language"), {"language": "xx", "next": LOGIN})
    assert html_lang(client.get(LOGIN)) == ("sv", "ltr")


def test_after_login_the_accounts_language_rules(client, borrower):
    client.cookies[COOKIE] = "en"
    assert html_lang(client.get(LOGIN)) == ("en", "ltr")
    response = login(client)
    assert response.cookies[COOKIE].value == "sv"
    client.cookies[COOKIE] = "en"  # even with the cookie put back
    page = client.get(reverse("selfservice:details"))
    assert html_lang(page) == ("sv", "ltr")
    assert "Mina uppgifter" in page.content.decode()


def test_the_borrower_changes_language_on_mina_sidor_and_the_next_mail_follows(
    client, english_borrower
):
    login(client)
    response = client.post(reverse("selfservice:change_language"), {"language": "sv"})
    assert response.status_code == 302
    english_borrower.refresh_from_db()
    assert english_borrower.language == "sv"
    assert AuditEvent.objects.filter(action=Action.UPDATED, fields=["language"]).exists()
    page = client.get(reverse("selfservice:details"))
    assert "Ditt språk är sparat." in page.content.decode()
    assert html_lang(page) == ("sv", "ltr")
    client.post(
        reverse("selfservice:change_password"),
        {
            "current_password": PASSWORD,
            "new_password1": "Vinterregn i mars",
            "new_password2": "Vinterregn i mars",
        },
    )
    changed = OutgoingMail.objects.get(kind=MailKind.BORROWER_PASSWORD_CHANGED)
    assert changed.language == "sv"
    assert mail.outbox[-1].extra_headers["Content-Language"] == "sv"


def test_a_language_we_do_not_have_is_refused_with_a_message(client, english_borrower):
    login(client)
    response = client.post(reverse("selfservice:change_language"), {"language": "xx"})
    assert response.status_code == 200
    assert "Choose one of the languages in the list." in response.content.decode()
    english_borrower.refresh_from_db()
    assert english_borrower.language == "en"


def test_the_set_password_link_opens_in_the_borrowers_language(client, english_borrower):
    link = reverse("borrowers:password_link") + "?token=" + make_token(english_borrower)
    response = client.get(link)
    assert response.cookies[COOKIE].value == "en"
    page = client.get(response["Location"])
    assert html_lang(page) == ("en", "ltr")
    assert "Choose your password" in page.content.decode()
    assert not swedish_in(page.content.decode(), data=data(english_borrower))
    # The switch on the page: Svenska.
    client.post(reverse("selfservice:language"), {"language": "sv", "next": response["Location"]})
    assert "Välj ditt lösenord" in client.get(response["Location"]).content.decode()


def test_the_reset_link_opens_in_the_borrowers_language(client, english_borrower):
    link = (
        reverse("selfservice:password_link")
        + "?token="
        + make_token(english_borrower, purpose="reset")
    )
    response = client.get(link)
    page = client.get(response["Location"])
    assert html_lang(page) == ("en", "ltr")
    assert not swedish_in(page.content.decode(), data=data(english_borrower))


def test_the_locked_out_page_is_in_the_chosen_language(client, borrower):
    client.cookies[COOKIE] = "en"
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = login(client, password="fel")
    assert response.status_code == 429
    assert html_lang(response) == ("en", "ltr")
    assert not swedish_in(response.content.decode(), data=["Legimus", "MTM"])


def test_registrar_pages_and_the_admin_stay_swedish_with_an_english_cookie(
    registrar_client, mtm_staff, client
):
    registrar_client.cookies[COOKIE] = "en"
    page = registrar_client.get(reverse("portal:start"))
    assert html_lang(page) == ("sv", "ltr")
    assert page["Content-Language"] == "sv"
    client.force_login(mtm_staff)
    client.cookies[COOKIE] = "en"
    admin = client.get(reverse("admin:index"))
    assert 'lang="sv"' in admin.content.decode()


def test_a_page_not_found_on_mina_sidor_is_in_the_chosen_language(client, db):
    client.cookies[COOKIE] = "en"
    response = client.get("/mina-sidor/finns-inte/")
    assert response.status_code == 404
    assert html_lang(response) == ("en", "ltr")
