"""Statistik in Mitt bibliotek: tables, charts, CSV, the date range; own library only."""

import base64
import csv
import io
import re

import pytest
from django.urls import reverse

from stats.tables import SMALL_COUNT, Table
from tests.factories import BorrowerFactory, LibraryFactory
from transfers.models import TransferRequest

URL = reverse("stats:library")


def read_csv(response):
    body = response.content
    assert body.startswith("\ufeff".encode())  # the BOM: Excel reads UTF-8
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def total_row(html_rows, name="Totalt"):
    return next(row for row in html_rows if row[0] == name)


def test_the_menu_has_statistik_for_registrars_and_head_admins(client, registrar, head_admin):
    for user in (registrar, head_admin):
        client.force_login(user)
        html = client.get(reverse("libraries:my_library")).content.decode()
        assert f'href="{URL}"' in html and ">Statistik<" in html


def test_mediators_and_mtm_get_no_statistics_page(client, mediator, mtm_staff):
    for user in (mediator, mtm_staff):
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_the_page_shows_the_list_words_and_the_own_libraries(
    registrar_client, library_a, branch_a, library_b
):
    BorrowerFactory(library=library_a)
    BorrowerFactory(library=branch_a, minor=True)
    BorrowerFactory(library=library_b)
    html = registrar_client.get(URL).content.decode()
    for words in [
        "Samtliga låntagare",
        "Vuxna låntagare",
        "Låntagare under 18 år",
        "Vuxna låntagare med LMA-kort",
        "Låntagare under 18 år med LMA-kort",
        "Utgångna",
        "Går ut inom 30 dagar",
        "Laddare",
        "Nya registreringar",
    ]:
        assert words in html, words
    assert branch_a.name in html and library_b.name not in html


def test_another_librarys_figures_answer_404(registrar_client, library_b, branch_a):
    assert registrar_client.get(URL, {"bibliotek": branch_a.pk}).status_code == 200
    for value in [library_b.pk, "x", "١", "99999999999999999999"]:
        assert registrar_client.get(URL, {"bibliotek": value}).status_code == 404
        csv_url = reverse("stats:library_csv", args=["nu"])
        assert registrar_client.get(csv_url, {"bibliotek": value}).status_code == 404


def test_every_table_downloads_as_csv_with_the_same_numbers(registrar_client, library_a, branch_a):
    BorrowerFactory.create_batch(3, library=library_a)
    BorrowerFactory(library=branch_a, lma=True)
    for slug in ["per-bibliotek", "nu", "anvandargrupper", "per-manad"]:
        rows = read_csv(registrar_client.get(reverse("stats:library_csv", args=[slug])))
        assert len(rows) > 1, slug
    rows = read_csv(registrar_client.get(reverse("stats:library_csv", args=["per-bibliotek"])))
    assert rows[0][:3] == ["Bibliotek", "Sigel", "Samtliga låntagare"]
    assert rows[1] == [library_a.name, library_a.sigel, "3", "3", "0", "0", "0"]
    assert rows[2][:3] == [branch_a.name, branch_a.sigel, "1"]
    assert total_row(rows)[2] == "4"
    months = read_csv(registrar_client.get(reverse("stats:library_csv", args=["per-manad"])))
    assert len(months) == 1 + 24
    assert registrar_client.get(reverse("stats:library_csv", args=["okand"])).status_code == 404


def test_the_date_range_chooses_the_months(registrar_client):
    response = registrar_client.get(URL, {"fran": "2026-01-01", "till": "2026-03-31"})
    assert response.status_code == 200
    rows = read_csv(
        registrar_client.get(
            reverse("stats:library_csv", args=["per-manad"]),
            {"fran": "2026-01-01", "till": "2026-03-31"},
        )
    )
    assert [row[0] for row in rows[1:]] == ["2026-01", "2026-02", "2026-03"]


@pytest.mark.parametrize(
    "fran, till, field, message",
    [
        ("2026-13-01", "2026-03-01", "fran", "Skriv ett riktigt datum"),
        ("2026-03-01", "", "till", "Detta fält måste fyllas i"),
        ("2026-03-01", "2026-02-01", "till", "Slutdatumet får inte vara före startdatumet"),
        ("2000-01-01", "2026-02-01", "fran", "högst tio år"),
    ],
)
def test_a_wrong_range_is_explained_and_kept(registrar_client, fran, till, field, message):
    html = registrar_client.get(URL, {"fran": fran, "till": till}).content.decode()
    assert 'id="error-summary"' in html and f'href="#id_{field}"' in html
    assert message in html
    assert f'value="{fran}"' in html  # nothing typed is lost


def charts_of(html):
    """[(decoded SVG, alt)] of the page's chart images."""
    found = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', html)
    return [(base64.b64decode(data).decode(), alt) for data, alt in found]


def test_charts_are_svg_images_without_script_with_a_text_alternative(
    registrar_client, register, registrar, library_a
):
    register(by=registrar, library=library_a)
    charts = charts_of(registrar_client.get(URL).content.decode())
    assert len(charts) == 5
    svg, alt = charts[0]
    assert "<svg" in svg and "<script" not in svg
    assert re.findall(r'class="major">(\d+)</text>', svg)  # whole numbers on the axis
    assert ">0.5<" not in svg
    assert alt.startswith("Nya registreringar per månad")
    assert "ökande, från 0 till 1" in alt


def test_figures_change_as_borrowers_come_move_and_go(
    registrar_client, registrar, registrar_b, library_a, library_b, register
):
    def figures():
        rows = read_csv(registrar_client.get(reverse("stats:library_csv", args=["per-bibliotek"])))
        months = read_csv(registrar_client.get(reverse("stats:library_csv", args=["per-manad"])))
        return int(total_row(rows)[2]), months[-1][1:]

    assert figures() == (0, ["0", "0", "0", "0", "0"])
    first = register(by=registrar, library=library_a)
    register(by=registrar, library=library_a)
    assert figures() == (2, ["2", "0", "0", "0", "0"])
    TransferRequest.request(first, to_library=library_b, by=registrar).accept(by=registrar_b)
    assert figures() == (1, ["2", "0", "0", "1", "0"])
    register(by=registrar, library=library_a, protected=True)
    assert figures() == (1, ["2", "0", "0", "1", "0"])
    library_a.borrowers.get().delete_account(by=registrar)
    assert figures() == (0, ["2", "1", "0", "1", "0"])


def test_query_count_is_bounded(registrar_client, library_a, django_assert_max_num_queries):
    for _ in range(3):
        LibraryFactory(parent=library_a)
    BorrowerFactory.create_batch(5, library=library_a)
    with django_assert_max_num_queries(20):
        response = registrar_client.get(URL)
    assert response.status_code == 200


def test_small_counts_are_suppressed_for_publication():
    table = Table("lan", "Län", ["Län", "Antal"], [("Gotlands län", [SMALL_COUNT - 1]), ("X", [5])])
    assert table.suppressed().rows == [("Gotlands län", ["färre än 5"]), ("X", [5])]


def test_a_library_name_is_never_a_formula_in_excel(registrar_client, library_a):
    evil = LibraryFactory(name='=HYPERLINK("http://evil.example")', parent=library_a)
    rows = read_csv(registrar_client.get(reverse("stats:library_csv", args=["per-bibliotek"])))
    assert ['\'=HYPERLINK("http://evil.example")', evil.sigel, "0", "0", "0", "0", "0"] in rows
