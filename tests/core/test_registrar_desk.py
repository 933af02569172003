"""The registrar's desk, finished: what a new registrar with a borrower beside them
stumbled on, each found item as a story through the test client (the browser
stories are in tests/browser/test_desk.py)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from borrowers.forms.fields import LmaNumberField, PersonalNumberField
from core.forms import Form
from tests.factories import BorrowerFactory
from transfers.models import TransferRequest

ROOT = Path(settings.BASE_DIR)


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def search(client, text: str) -> str:
    return html_of(client.post(reverse("borrowers:search"), {"q": text}, follow=True))


# --- 1. a search without hits says so ----------------------------------------------


def test_a_search_without_hits_says_that_nobody_was_found(registrar_client, borrower_a):
    html = search(registrar_client, "Zzyzx")
    assert "<h2>Sökresultat</h2>" in html
    assert "Inga låntagare hittades." in html
    assert 'role="status"' in html
    assert "<table" not in html


def test_the_search_page_before_a_search_shows_no_result_state(registrar_client):
    html = html_of(registrar_client.get(reverse("borrowers:search")))
    assert "Inga låntagare hittades" not in html and "Sökresultat" not in html


# --- 2. make run PORT=… makes the links in mail follow the port -------------------


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, 'export SITE_URL="http://127.0.0.1:8300"'),
        (
            {"SITE_URL": "https://register.example.se"},
            'export SITE_URL="https://register.example.se"',
        ),
    ],
)
def test_make_run_on_another_port_makes_mail_links_follow_unless_site_url_is_set(
    environment, expected
):
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=8300"],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert expected in plan
    # The worker (which renders mail) and the server both start after the export.
    assert plan.index(expected) < plan.index("db_worker") < plan.index("runserver 127.0.0.1:8300")


def test_the_readme_says_that_site_url_follows_the_port():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "`make run PORT=8123` serves on another port, and the links in mail follow it" in readme


# --- 4. nothing typed is lost between forms ------------------------------------------

MINOR = "20150101-2395"  # a reserved test number: under 18


def test_the_wrong_age_notice_carries_what_was_typed_to_the_right_form(registrar_client):
    typed = {
        "identifier": MINOR,
        "first_name": "Nora",
        "last_name": "Ny",
        "email": "nora.ny@post.example",
    }
    html = html_of(registrar_client.post(reverse("borrowers:create_adult"), typed))
    start = html.index('class="carry-over"') - 80
    notice = html[start : html.index("</form>", start)]
    assert f'action="{reverse("borrowers:create_minor")}"' in notice
    for name, value in typed.items():
        assert f'name="{name}" value="{value}"' in notice

    # The registrar presses the button: the minor form, filled in, not yet checked.
    carried = registrar_client.post(reverse("borrowers:create_minor"), {**typed, "carry_over": "1"})
    html = html_of(carried)
    assert "<h1>Skapa låntagare under 18 år</h1>" in html
    for value in typed.values():
        assert f'value="{value}"' in html
    assert "<title>Fel:" not in html and "error-summary" not in html
    assert "Nora" not in carried.wsgi_request.get_full_path()  # nothing in the address
    assert not BorrowerFactory._meta.model.objects.filter(first_name="Nora").exists()


def test_the_pull_page_offers_the_email_just_typed_not_the_old_one(client, registrar_b, borrower_a):
    client.force_login(registrar_b)
    client.post(
        reverse("borrowers:create_adult"),
        {"identifier": borrower_a.display_identifier, "email": "anna.ny@post.example"},
    )
    html = html_of(client.get(reverse("transfers:pull", args=[borrower_a.code])))
    assert 'value="anna.ny@post.example"' in html
    assert f'value="{borrower_a.email}"' not in html


def test_without_a_typed_email_the_pull_page_offers_the_one_on_file(
    client, registrar_b, borrower_a
):
    client.force_login(registrar_b)
    client.post(reverse("borrowers:create_adult"), {"identifier": borrower_a.display_identifier})
    html = html_of(client.get(reverse("transfers:pull", args=[borrower_a.code])))
    assert f'value="{borrower_a.email}"' in html


# --- 5. lists and results show the whole identifier -----------------------------------


def test_two_people_born_the_same_day_can_be_told_apart_in_a_list(registrar_client, library_a):
    first = BorrowerFactory(library=library_a, identifier="191202119150", last_name="Tvilling")
    second = BorrowerFactory(library=library_a, identifier="191202119176", last_name="Tvilling")
    for html in (
        html_of(registrar_client.get(reverse("borrowers:list", args=["samtliga"]))),
        search(registrar_client, "Tvilling"),
    ):
        assert "19120211-9150" in html and "19120211-9176" in html
        assert "19120211-****" not in html
    assert first.masked_identifier == second.masked_identifier  # what Mina sidor shows


# --- 6. the handbook's words for the kind of account ----------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ({"lma": True, "registered_as_minor": True}, "Under 18 år, LMA-nummer"),
        ({"lma": True}, "Vuxen, LMA-nummer"),
        ({"samordningsnummer": True}, "Vuxen, samordningsnummer"),
        ({}, "Vuxen, personnummer"),
    ],
)
def test_the_kind_of_account_uses_the_handbooks_words(registrar_client, library_a, kind, expected):
    borrower = BorrowerFactory(library=library_a, **kind)
    html = html_of(registrar_client.get(reverse("borrowers:detail", args=[borrower.code])))
    assert f"<dd>{expected}" in html


# --- 8. flash messages say what is true: the mail is on its way -----------------------


def test_accepting_a_transfer_says_the_mail_is_on_its_way(
    client, registrar, registrar_b, borrower_a, library_b
):
    transfer = TransferRequest.request(borrower_a, to_library=library_b, by=registrar)
    client.force_login(registrar_b)
    html = html_of(
        client.post(
            reverse("transfers:incoming_detail", args=[transfer.code]),
            {"decision": "accept"},
            follow=True,
        )
    )
    assert "Anna Andersson har flyttats till Bibliotek B. Ett mejl om det skickas till" in html
    assert "fått e-post" not in html


def test_declining_a_transfer_says_the_mail_is_on_its_way(
    client, registrar, registrar_b, borrower_a, library_b
):
    transfer = TransferRequest.request(borrower_a, to_library=library_b, by=registrar)
    client.force_login(registrar_b)
    html = html_of(
        client.post(
            reverse("transfers:incoming_detail", args=[transfer.code]),
            {"decision": "reject"},
            follow=True,
        )
    )
    assert "har nekats. Ett mejl om det skickas till låntagaren." in html


def test_asking_to_move_says_the_mail_is_on_its_way(registrar_client, borrower_a, library_b):
    url = reverse("transfers:confirm", args=[borrower_a.code, library_b.pk])
    html = html_of(registrar_client.post(url, follow=True))
    assert "Ett mejl om det skickas till låntagaren." in html and "fått e-post" not in html


# --- 9. one search form on the search page ---------------------------------------------


def test_the_search_page_has_one_search_form(registrar_client, borrower_a):
    html = search(registrar_client, "Andersson")
    assert html.count(f'action="{reverse("borrowers:search")}"') == 1
    menu = html[html.index('class="side-menu"') :]
    assert f'<a href="{reverse("borrowers:search")}" aria-current="page">Sök användare</a>' in menu


def test_other_pages_keep_the_search_form_in_the_menu(registrar_client):
    html = html_of(registrar_client.get(reverse("libraries:my_library")))
    assert html.count(f'action="{reverse("borrowers:search")}"') == 1
    assert 'id="menu-search-q"' in html


# --- 11. Visa alla användare shows what makes it differ ---------------------------------


def test_all_users_explains_that_it_adds_the_staff_accounts(client, head_admin, borrower_a):
    client.force_login(head_admin)
    html = html_of(client.get(reverse("borrowers:list", args=["alla-anvandare"])))
    assert "först låntagarna, sedan personalkontona" in html
    assert '<a href="#staff-accounts">Gå till personalkontona</a>' in html
    assert 'id="staff-accounts"' in html


# --- 12. the admin in Swedish ------------------------------------------------------------


def test_the_service_token_page_shows_the_header_to_send(client, mtm_staff):
    client.force_login(mtm_staff)
    html = html_of(client.post(reverse("admin:selfservice_servicetoken_add"), {"name": "Legimus"}))
    assert "<code>Authorization: Bearer &lt;nyckel&gt;</code>" in html


def test_the_admin_index_names_every_section_in_swedish(client, mtm_staff):
    mtm_staff.is_superuser = True  # sees every section
    mtm_staff.save()
    client.force_login(mtm_staff)
    html = html_of(client.get(reverse("admin:index")))
    for swedish in (
        "Inloggningsförsök",
        "Misslyckade inloggningar",
        "Bakgrundsjobb",
        "Jobbresultat",
    ):
        assert swedish in html
    for english in ("Access attempts", "Access failures", "Task Results", "Tasks Database", "Axes"):
        assert english not in html


# --- 13. Mina sidor is Legimus to borrowers; its login goes back where it was asked ----


def test_mina_sidor_says_legimus(client, db):
    html = html_of(client.get(reverse("selfservice:login")))
    assert '<span class="wordmark__name">Legimus – Mina sidor</span>' in html
    assert "<title>Logga in på Mina sidor – Legimus – Mina sidor</title>" in html
    assert "MTM:s användarregister" not in html[: html.index("</header>")]


PASSWORD = "Sommarregn över taken"


@pytest.fixture
def lena(library_a):
    borrower = BorrowerFactory(library=library_a, email="lena@post.example")
    borrower.set_password(PASSWORD)
    borrower.save()
    return borrower


def test_a_page_asking_for_login_is_where_the_login_goes(client, lena):
    wanted = reverse("selfservice:change_password")
    asked = client.get(wanted)
    assert asked.url == f"{reverse('selfservice:login')}?next=%2Fmina-sidor%2Fbyt-losenord%2F"
    response = client.post(asked.url, {"email": lena.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == wanted


@pytest.mark.parametrize(
    "hostile",
    ["https://evil.example/", "//evil.example/", "http://testserver.evil/", "javascript:x"],
)
def test_the_login_never_goes_to_another_site(client, lena, hostile):
    url = f"{reverse('selfservice:login')}?next={hostile}"
    response = client.post(url, {"email": lena.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("selfservice:details")


# --- 14. the project's own messages -----------------------------------------------------


def test_a_pasted_ten_thousand_digit_number_gets_our_message(registrar_client):
    html = html_of(
        registrar_client.post(reverse("borrowers:create_adult"), {"identifier": "1" * 10_000})
    )
    assert "Numret är för långt. Skriv 10 eller 12 siffror, till exempel 19121212-1212." in html
    assert "Säkerställ" not in html


def test_an_lma_number_too_long_gets_the_lma_message():
    with translation.override("sv"):
        field = LmaNumberField()
        with pytest.raises(forms.ValidationError) as raised:
            field.clean("9" * 41)
    assert raised.value.messages == [
        "Numret är för långt. Ett LMA-nummer har 8 siffror och skrivs XX-XXXXXX."
    ]
    assert PersonalNumberField().error_messages["max_length"] != field.error_messages["max_length"]


def test_every_house_form_says_too_long_in_its_own_words():
    class Note(Form):
        text = forms.CharField(max_length=5)

    with translation.override("sv"):
        form = Note({"text": "sjuttio"})
        assert not form.is_valid()
        assert form.errors["text"] == ["Skriv högst 5 tecken. Du skrev 7."]


def test_every_email_message_gives_the_same_example():
    with translation.override("sv"):
        texts = {
            translation.gettext("Enter an e-mail address like name@library.se."),
            translation.gettext("Enter an e-mail address like name@example.se."),
            translation.gettext("Enter the e-mail address in the format name@example.se."),
        }
    assert texts == {"Skriv e-postadressen i formatet namn@exempel.se."}


# --- 15. the service's identity and version on every page -----------------------------


def test_every_page_shows_the_wordmark_and_the_version(registrar_client, client, db):
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)[1]
    for html in (
        html_of(registrar_client.get(reverse("portal:start"))),
        html_of(client.get(reverse("portal:accessibility"))),
    ):
        assert '<span class="wordmark__mark" aria-hidden="true"></span>' in html
        assert f"Version {version}" in html[html.index("<footer") :]
