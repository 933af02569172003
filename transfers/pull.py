"""Which borrowers a registrar may open the pull page (*flytta användaren*) for.

The pull page necessarily shows a borrower outside the registrar's scope (name,
e-mail, where they move to). It may do so only after the registrar has typed
that borrower's identifier into a create form. The create form sends
`borrowers.signals.found_at_another_library` when it shows its "already exists at
another library" notice, and `allow_pull` (connected in TransfersConfig.ready) puts
the code in the session; the pull view answers 404 for any code not put there. A
guessed or copied /flytt/hamta/<code>/ link therefore shows nothing.
"""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from borrowers.models import Borrower

SESSION_KEY = "pull_candidates"
#: code -> the e-mail address typed into the create form, offered on the pull page.
TYPED_EMAILS_KEY = "pull_typed_emails"
#: A registrar works on a few borrowers at a time; older entries fall out.
MAX_CANDIDATES = 10


def can_be_pulled_by(borrower: Borrower, staff) -> bool:
    """A borrower of another library, not a protected identity."""
    if not getattr(staff, "is_registrar", False):
        return False
    if not borrower.has_library:
        return False
    return not staff.library.with_branches().filter(pk=borrower.library_id).exists()


def allow_pull(request: HttpRequest, borrower: Borrower | None, *, email: str = "") -> bool:
    """Let this session open the pull page for `borrower`, and remember the page
    (the create form) that *Ångra* returns to. Returns whether it was allowed:
    never for a protected identity or a borrower already at the registrar's library
    (nor for None, so a create view may pass its form's match, whatever it is).

    The create views reach it through `found_at_another_library`, before rendering
    `{% include "transfers/_pull_link.html" with borrower=existing %}`. `email` is what
    the registrar typed as the borrower's address: the pull page offers it.
    """
    # SECURITY: the only way into the pull page for a borrower outside one's scope.
    if borrower is None or not can_be_pulled_by(borrower, request.user):
        return False
    candidates = dict(request.session.get(SESSION_KEY, {}))
    candidates.pop(str(borrower.code), None)
    candidates[str(borrower.code)] = request.get_full_path()
    request.session[SESSION_KEY] = dict(list(candidates.items())[-MAX_CANDIDATES:])
    emails = {
        code: typed
        for code, typed in request.session.get(TYPED_EMAILS_KEY, {}).items()
        if code in request.session[SESSION_KEY] and code != str(borrower.code)
    }
    if email.strip():
        emails[str(borrower.code)] = email.strip()
    request.session[TYPED_EMAILS_KEY] = emails
    return True


def typed_email(request: HttpRequest, code) -> str | None:
    """The e-mail address typed into the create form that led to the pull page, if any."""
    return request.session.get(TYPED_EMAILS_KEY, {}).get(str(code))


def is_pull_allowed(request: HttpRequest, code) -> bool:
    return str(code) in request.session.get(SESSION_KEY, {})


def return_path(request: HttpRequest, code) -> str | None:
    """The create form the registrar came from, if it is one of ours."""
    path = request.session.get(SESSION_KEY, {}).get(str(code))
    if path and url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
        return path
    return None


def forget_pull(request: HttpRequest, code) -> None:
    candidates = dict(request.session.get(SESSION_KEY, {}))
    if candidates.pop(str(code), None) is not None:
        request.session[SESSION_KEY] = candidates
    emails = dict(request.session.get(TYPED_EMAILS_KEY, {}))
    if emails.pop(str(code), None) is not None:
        request.session[TYPED_EMAILS_KEY] = emails


def on_found_at_another_library(sender, *, request, borrower, email="", **kwargs):
    allow_pull(request, borrower, email=email)
