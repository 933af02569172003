"""The tillgänglighetsredogörelse (DOS-lagen; DIGG's model): at /tillganglighet/ for
anyone, with DIGG's sections, a compliance status in the law's words, Digg's
reporting link, a contact, the dates; and linked from the footer of every page."""

import re

import pytest
from django.urls import reverse

from .dom import parse

pytestmark = pytest.mark.a11y

STATEMENT = "/tillganglighet/"


@pytest.fixture
def statement(client, db):
    response = client.get(STATEMENT)
    assert response.status_code == 200
    assert reverse("portal:accessibility") == STATEMENT
    return response.content.decode()


def headings(html: str) -> list[str]:
    return [node.text() for node in parse(html).iter() if re.fullmatch(r"h[1-6]", node.tag)]


def test_the_statement_has_digg_s_sections_in_order(statement):
    expected = [
        "Tillgänglighet för MTM:s användarregister",
        "Hur tillgänglig är tjänsten?",
        "Vad kan du göra om du inte kan använda delar av tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet",
        "Tillsyn",
        "Teknisk information om tjänstens tillgänglighet",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat tjänsten",
    ]
    found = headings(statement)
    assert [h for h in found if h in expected] == expected, found


def test_the_statement_says_how_compliant_links_to_digg_and_is_dated(statement):
    text = parse(statement).text()
    assert re.search(r"\b(helt|delvis|inte) förenlig med lagen om tillgänglighet", text)
    assert 'href="https://www.digg.se/tdosanmalan"' in statement
    assert "info@mtm.se" in text and "08-580 02 710" in text
    assert re.search(r"Senaste bedömningen gjordes den \d{4}-\d{2}-\d{2}", text)
    assert re.search(r"Redogörelsen uppdaterades senast den \d{4}-\d{2}-\d{2}", text)
    assert "självskattning" in text  # the evaluation method


def test_the_statement_lists_the_admin_site_among_the_known_shortcomings(statement):
    found = headings(statement)
    shortcomings = found[found.index("Innehåll som inte är tillgängligt") + 1 :]
    assert "Administrationsgränssnittet för MTM:s personal" in shortcomings


@pytest.mark.parametrize(
    "actor,url",
    [
        (None, "/konto/logga-in/"),
        (None, "/mina-sidor/logga-in/"),
        (None, STATEMENT),
        ("registrar", "/"),
        ("registrar", "/mitt-bibliotek/"),
        ("registrar", "/lantagare/skapa/vuxen/"),
        ("registrar", "/konto/mina-uppgifter/"),
        ("mediator", "/"),
        ("registrar", "/finns-inte/"),
    ],
)
def test_every_page_links_to_the_statement_in_its_footer(client, db, request, actor, url):
    if actor:
        client.force_login(request.getfixturevalue(actor))
    html = client.get(url).content.decode()
    footers = parse(html).find_all("footer")
    assert len(footers) == 1
    links = [a for a in footers[0].find_all("a") if a.get("href") == STATEMENT]
    assert links and links[0].text() == "Tillgänglighetsredogörelse"
