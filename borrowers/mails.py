"""How the borrower mails of registration are built at delivery time."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from notifications.mail import mail_context
from notifications.models import MailKind

from .credentials import CREDENTIALS_MAX_AGE, make_token
from .models import Borrower


def password_link(borrower, *, link: bool = True) -> dict:
    """A borrower mail's set-password link (None unless `link`) and how long it lasts.
    The token is minted here, in the worker, so it is never stored; it goes in the
    query string, which the access logs leave out. Links are built from SITE_URL,
    never from a request's Host header."""
    url = None
    if link:
        query = urlencode({"token": make_token(borrower)})
        url = f"{settings.SITE_URL}{reverse('borrowers:password_link')}?{query}"
    return {
        "link": url,
        "valid_days": CREDENTIALS_MAX_AGE.days,
        "link_valid_until": timezone.localdate(timezone.now() + CREDENTIALS_MAX_AGE),
    }


@mail_context(MailKind.BORROWER_CREDENTIALS)
def credentials(context: dict) -> dict | None:
    """Login and a set-password link; the mail holds no identity number and no name."""
    borrower = Borrower.objects.filter(pk=context["borrower"]).first()
    if borrower is None:
        return None  # deleted before the mail left: nothing to send
    return {
        "email": borrower.email,
        **password_link(borrower),
        "protected": borrower.protected_identity,
    }


@mail_context(MailKind.LMA_REPLACED)
def lma_replaced(context: dict) -> dict | None:
    """The LMA account became a personnummer account: the login is unchanged; a
    set-password link (minted here, as for the login details) when asked for."""
    borrower = Borrower.objects.filter(pk=context["borrower"]).first()
    if borrower is None:
        return None
    return {
        "email": borrower.email,
        **password_link(borrower, link=bool(context.get("link"))),
        "has_password": borrower.has_usable_password(),
    }


@mail_context(MailKind.ACCOUNTS_MERGED)
def accounts_merged(context: dict) -> dict | None:
    """The person's two accounts became one: the login is the kept address."""
    borrower = Borrower.objects.filter(pk=context["borrower"]).first()
    if borrower is None:
        return None
    return {"email": borrower.email, "has_password": borrower.has_usable_password()}
