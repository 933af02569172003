"""How the borrower password reset mail is built at delivery time."""

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from audit.log import keyed_hash
from borrowers.credentials import RESET_MAX_AGE, make_token
from borrowers.models import Borrower
from notifications.mail import mail_context
from notifications.models import MailKind


@mail_context(MailKind.BORROWER_PASSWORD_RESET)
def password_reset(context: dict) -> dict | None:
    """A single-use link, valid two hours, minted here in the worker so that it is
    never stored. The mail holds no identity number and no name."""
    borrower = Borrower.objects.filter(pk=context["borrower"]).first()
    if borrower is None:
        return None  # deleted before the mail left: nothing to send
    if context.get("email_hash") != keyed_hash(borrower.email.lower()):
        return None  # the login address changed since: the old one gets no link
    # The token in the query string, which the access logs leave out.
    query = urlencode({"token": make_token(borrower, purpose="reset")})
    path = f"{reverse('selfservice:password_link')}?{query}"
    return {
        "email": borrower.email,
        # Links are built from SITE_URL, never from a request's Host header.
        "link": settings.SITE_URL + path,
        "valid_hours": int(RESET_MAX_AGE.total_seconds() // 3600),
    }


@mail_context(MailKind.BORROWER_PASSWORD_CHANGED)
def password_changed(context: dict) -> dict | None:
    from .texts import contact_line

    borrower = Borrower.objects.filter(pk=context["borrower"]).first()
    if borrower is None:
        return None
    return {"email": borrower.email, "contact": contact_line(borrower)}
