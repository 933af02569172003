"""Which language a page is in: Swedish, except on the borrower's own pages.

Staff pages and the admin are always in LANGUAGE_CODE, whatever a cookie says.
The borrower's pages (Mina sidor, the set-password pages from a mail's link) are
in the logged-in borrower's language (Borrower.language); before login, in the
language chosen with the switch on the page (a cookie), else Swedish.
"""

import posixpath
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from borrowers.models import Borrower
from core import languages

from . import session


def borrower_paths() -> tuple[str, ...]:
    """The path prefixes of every page a borrower reads."""
    return (
        reverse("selfservice:details"),  # all of Mina sidor
        reverse("borrowers:password_link"),  # the set-password link and its pages
    )


def is_borrower_page(path: str) -> bool:
    """`path` (a URL path, or a path with a query) is one of the borrower's pages."""
    path = urlsplit(path).path
    # "/mina-sidor/../admin/" is no borrower page, though it starts like one.
    return posixpath.normpath(path).rstrip("/") + "/" == path.rstrip("/") + "/" and (
        path.startswith(borrower_paths())
    )


def cookie_language(request) -> str:
    return languages.supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def borrower_language(request) -> str:
    """The logged-in borrower's language (their account rules), else the cookie's."""
    code = request.session.get(session.CODE) if hasattr(request, "session") else None
    if code:
        language = Borrower.objects.filter(code=code).values_list("language", flat=True).first()
        if language:
            return languages.supported(language)
    return cookie_language(request)


class BorrowerLanguageMiddleware:
    """In place of Django's LocaleMiddleware (which would let a cookie or the browser
    turn the registrar's pages English)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = settings.LANGUAGE_CODE
        if is_borrower_page(request.path_info):
            language = borrower_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


@login_not_required
@never_cache
@require_POST
def switch_language(request):
    """The language switch of the borrower's pages before login: remember the choice in
    a cookie and go back to the page (only a page of this site, never elsewhere)."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not is_borrower_page(target):
        target = reverse("selfservice:login")
    return languages.remember(HttpResponseRedirect(target), request.POST.get("language", ""))
