"""The side menu of Mitt bibliotek is rendered once per language, role and current
page and reused: what each staff member sees is still their own."""

import re

from django.test import Client
from django.urls import reverse

from libraries.templatetags.side_menu import TOKEN_PLACEHOLDER


def menu(html: str) -> str:
    return html[html.index('<nav aria-label="Meny för Mitt bibliotek"') :].split("</nav>", 1)[0]


def test_the_current_page_is_marked_in_the_menu_and_only_there(registrar_client):
    for url in (reverse("borrowers:list", args=["vuxna"]), reverse("transfers:incoming")):
        html = menu(registrar_client.get(url).content.decode())
        assert html.count('aria-current="page"') == 1
        assert f'href="{url}" aria-current="page"' in html
    html = menu(registrar_client.get(reverse("libraries:my_library")).content.decode())
    assert 'aria-current="page"' not in html


def test_head_administrators_see_their_own_links_after_a_registrar(
    registrar_client, head_admin, client
):
    registrar_client.get(reverse("libraries:my_library"))
    other = Client()
    other.force_login(head_admin)
    html = menu(other.get(reverse("libraries:my_library")).content.decode())
    assert reverse("libraries:registrars") in html
    assert reverse("libraries:registrars") not in menu(
        registrar_client.get(reverse("libraries:my_library")).content.decode()
    )


def test_the_menus_search_form_carries_this_sessions_csrf_token(registrar):
    client = Client(enforce_csrf_checks=True)
    client.force_login(registrar)
    html = client.get(reverse("libraries:my_library")).content.decode()
    assert TOKEN_PLACEHOLDER not in html
    form = menu(html).split('class="menu-search"', 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(reverse("borrowers:search"), {"q": "anna", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
