"""*Språk* on the create forms, the edit form and the admin; the agreement text in the
borrower's language; the whole story of an English-speaking borrower."""

import re

from django.core import mail
from django.urls import reverse

from borrowers.models import AgreementText, Borrower
from tests.borrowers.register.conftest import create_url, valid_data
from tests.borrowers.test_rules_doors import admin_data, edit_data
from tests.factories import BorrowerFactory
from tests.languages import swedish_in


def test_every_create_form_has_spraak_next_to_the_email(registrar_client):
    for kind in ("adult", "minor", "lma_adult", "lma_minor"):
        page = registrar_client.get(create_url(kind)).content.decode()
        email, language = page.index('name="email"'), page.index('name="language"')
        assert email < language, kind
        assert '<option value="sv" selected>Svenska</option>' in page
        assert '<option value="en">English</option>' in page


def test_the_create_form_links_the_swedish_agreement_and_the_chosen_language(registrar_client):
    page = registrar_client.get(create_url("minor")).content.decode()
    assert 'href="/lantagare/avtalstext/?under-18=1"' in page
    assert 'href="/lantagare/avtalstext/?sprak=en&amp;under-18=1"' in page
    # A failed submit with English chosen: both links, English as chosen.
    page = registrar_client.post(
        create_url("adult"), valid_data("adult", language="en", agreement=None)
    ).content.decode()
    assert 'href="/lantagare/avtalstext/"' in page
    assert 'href="/lantagare/avtalstext/?sprak=en"' in page
    assert '<option value="en" selected>English</option>' in page


def test_the_agreement_page_shows_the_text_of_a_language_and_audience(registrar_client):
    english = registrar_client.get(reverse("borrowers:agreement") + "?sprak=en")
    assert "MTM&#x27;s lending rules for Legimus" in english.content.decode()
    assert 'lang="en"' in english.content.decode()
    minor = registrar_client.get(reverse("borrowers:agreement") + "?under-18=1")
    assert "för låntagare under 18 år" in minor.content.decode()
    # The registrar's page itself stays Swedish.
    assert '<html lang="sv"' in english.content.decode()


def test_a_language_without_its_own_text_shows_the_swedish_one(db):
    AgreementText.objects.filter(language="en", audience="minor").delete()
    text = AgreementText.current("en", minor=True)
    assert text.language == "en" and text.audience == "adult"
    AgreementText.objects.filter(language="en").delete()
    assert AgreementText.current("en", minor=True).language == "sv"


def test_an_english_borrower_gets_english_mail_pages_and_can_switch_to_swedish(
    registrar_client, client
):
    """From the registrar's form to Mina sidor and back to Swedish."""
    registrar_client.post(create_url("adult"), valid_data("adult", language="en"))
    borrower = Borrower.objects.get(email="nora.ny@post.example")
    assert borrower.language == "en"
    assert borrower.agreement_text == AgreementText.current("en")
    credentials = mail.outbox[-1]
    assert credentials.subject == "Your account for Legimus: choose your password"
    assert credentials.extra_headers["Content-Language"] == "en"
    assert not swedish_in(credentials.body, data=["Legimus", "MTM"])
    # The borrower page shows the language.
    detail = registrar_client.get(reverse("borrowers:detail", args=[borrower.code]))
    assert "<dt>Språk</dt><dd>English</dd>" in detail.content.decode()
    # The link in the mail: the set-password page in English.
    link = re.search(r"https://register\.example(\S+)", credentials.body).group(1)
    choose = client.get(client.get(link)["Location"])
    assert '<html lang="en"' in choose.content.decode()
    client.post(
        choose.wsgi_request.path,
        {"new_password1": "Regn over taket", "new_password2": "Regn over taket"},
    )
    client.post(
        reverse("selfservice:login"),
        {"email": "nora.ny@post.example", "password": "Regn over taket"},
    )
    page = client.get(reverse("selfservice:details")).content.decode()
    assert '<html lang="en"' in page and "My details" in page
    client.post(reverse("selfservice:change_language"), {"language": "sv"})
    client.post(reverse("selfservice:logout"))
    borrower.refresh_from_db()
    borrower.send_credentials(by=None)
    assert mail.outbox[-1].subject == "Ditt konto till Legimus: välj ditt lösenord"


def test_the_edit_form_changes_the_language(registrar_client, library_a):
    borrower = BorrowerFactory(library=library_a, email="edit@post.example")
    url = reverse("borrowers:edit", args=[borrower.code])
    assert '<option value="sv" selected>' in registrar_client.get(url).content.decode()
    registrar_client.post(url, edit_data(borrower, language="en"))
    borrower.refresh_from_db()
    assert borrower.language == "en"
    # A post without the field keeps the language.
    registrar_client.post(url, edit_data(borrower, first_name="Ny"))
    borrower.refresh_from_db()
    assert borrower.language == "en" and borrower.first_name == "Ny"


def test_mtm_sees_and_sets_the_language_in_the_admin(client, mtm_staff, library_a):
    client.force_login(mtm_staff)
    borrower = BorrowerFactory(library=library_a, email="adm@post.example")
    url = reverse("admin:borrowers_borrower_change", args=[borrower.pk])
    assert 'name="language"' in client.get(url).content.decode()
    client.post(url, admin_data(borrower, language="en"))
    borrower.refresh_from_db()
    assert borrower.language == "en"


def test_mtm_adds_an_agreement_text_per_language_and_audience(client, mtm_staff):
    client.force_login(mtm_staff)
    add = reverse("admin:borrowers_agreementtext_add")
    start = client.get(add + "?language=en&audience=minor").content.decode()
    assert "for borrowers under 18" in start
    client.post(add, {"language": "en", "audience": "minor", "text": "New rules for minors."})
    assert AgreementText.current("en", minor=True).text == "New rules for minors."
    assert AgreementText.current("en").text.startswith("MTM's lending rules")
    assert AgreementText.current("sv", minor=True).text.startswith("MTM:s låneregler")
