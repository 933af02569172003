"""`{% side_menu %}`: the menu of Mitt bibliotek (templates/libraries/_menu.html),
rendered once per language, role and current page and then reused.

The menu is the same for every library: its links depend only on the language, on
whether the staff member is a head administrator and on which of its links is the
current page (aria-current). Those are the cache key; the templates and URLconf
behind it change only with a deploy, which starts new processes. The one
per-request part, the CSRF token of the menu's search form, is rendered as a
placeholder and put in for each request.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

#: Stands in for the CSRF token in the cached menu (letters only: never escaped).
TOKEN_PLACEHOLDER = "sidemenucsrftokenplaceholder"  # noqa: S105 (not a secret)


@lru_cache(maxsize=512)
def _menu(language: str, head_admin: bool, path: str) -> str:
    context = {"path": path, "user": {"is_head_admin": head_admin}}
    return render_to_string("libraries/_menu.html", {**context, "csrf_token": TOKEN_PLACEHOLDER})


@register.simple_tag(takes_context=True)
def side_menu(context) -> str:
    # In development a template edit shows at once (runserver reloads templates, not this).
    menu = _menu.__wrapped__ if settings.DEBUG else _menu
    language, head_admin = get_language(), bool(context["user"].is_head_admin)
    html = menu(language, head_admin, "")
    path = context["request"].path
    if f'="{path}"' in html:  # a page the menu links to (or posts to): mark it current
        html = menu(language, head_admin, path)
    return mark_safe(html.replace(TOKEN_PLACEHOLDER, str(context["csrf_token"])))  # noqa: S308
