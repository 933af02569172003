"""The borrower's languages: settings.LANGUAGES, Swedish (LANGUAGE_CODE) first.

Staff pages, the admin and staff mail are always in LANGUAGE_CODE; a borrower's
mail and own pages are in the borrower's language (docs/languages.md).
"""

from django.conf import settings
from django.utils import translation


def choices() -> list[tuple[str, str]]:
    """For model and form fields: a callable, so that adding a language to settings
    needs no migration."""
    return list(settings.LANGUAGES)


def codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def supported(code: str | None) -> str:
    """`code` when it is one of ours, otherwise LANGUAGE_CODE."""
    return code if code in codes() else settings.LANGUAGE_CODE


def direction(code: str) -> str:
    """ "rtl" or "ltr", for <html dir>: from Django's language info (bidi)."""
    try:
        return "rtl" if translation.get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


def remember(response, language: str):
    """The language cookie of the borrower's pages before login (selfservice/language.py)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        supported(language),
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
