"""The side menu's Sök and Visa sections: the handbook's words, in SPEC §3's order."""

import re

from django.urls import reverse

MENU_LISTS = [
    "Visa samtliga låntagare",
    "Visa huvudbibliotekets samtliga låntagare",
    "Visa vuxna låntagare",
    "Visa huvudbibliotekets vuxna låntagare",
    "Visa låntagare under 18 år",
    "Visa huvudbibliotekets låntagare under 18 år",
    "Visa vuxna låntagare med LMA-kort",
    "Visa låntagare under 18 år med LMA-kort",
    "Visa alla användare",
]


def menu(html):
    return html[html.index('class="side-menu"') :]


def test_the_menu_lists_the_borrower_lists_in_order(client, head_admin):
    client.force_login(head_admin)
    html = menu(client.get(reverse("libraries:my_library")).content.decode())
    links = re.findall(r"<li><a [^>]*>([^<]+)</a></li>", html)
    found = [text for text in links if text in MENU_LISTS]
    assert found == MENU_LISTS
    assert links.index("Visa alla användare") < links.index("Visa filialer")


def test_a_registrar_is_not_offered_all_users_which_would_repeat_all_borrowers(
    registrar_client,
):
    # Visa alla användare differs from Visa samtliga låntagare only by the staff
    # accounts, which only head administrators see.
    html = menu(registrar_client.get(reverse("libraries:my_library")).content.decode())
    assert "Visa samtliga låntagare" in html and "Visa alla användare" not in html


def test_the_current_list_is_marked_in_the_menu(registrar_client):
    url = reverse("borrowers:list", args=["vuxna"])
    html = menu(registrar_client.get(url).content.decode())
    assert html.count('aria-current="page"') == 1
    assert f'<a href="{url}" aria-current="page">Visa vuxna låntagare</a>' in html


def test_the_search_form_posts_one_labelled_field(registrar_client):
    html = menu(registrar_client.get(reverse("libraries:my_library")).content.decode())
    form = html[html.index("<h2>Sök</h2>") : html.index("</form>")]
    assert f'method="post" action="{reverse("borrowers:search")}"' in form
    assert '<label class="form-label" for="menu-search-q">Sök användare</label>' in form
    assert len(re.findall(r"<input (?![^>]*hidden)", form)) == 1
