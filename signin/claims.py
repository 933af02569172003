"""What a client learns about a borrower: the ID token's and userinfo's claims.

The same facts as the login check's answer (selfservice/api.py borrower_payload),
as claims. `sub` is the borrower's Subject (random, stored), never the identity
number or the internal code. The registry's own claims are namespaced under
CLAIM_NAMESPACE (docs/oidc.md, Claims).
"""

from django.utils import timezone

from borrowers.models import Borrower

from .models import Subject

CLAIM_NAMESPACE = "https://mtm.se/claims/"

KIND = CLAIM_NAMESPACE + "kind"
ADULT = CLAIM_NAMESPACE + "adult"
LIBRARY = CLAIM_NAMESPACE + "library"
VALID_UNTIL = CLAIM_NAMESPACE + "valid_until"
SERVICES = CLAIM_NAMESPACE + "services"

#: Which scope releases which claim (the consent page names them by scope).
CLAIM_SCOPES = {
    "sub": "openid",
    "email": "email",
    KIND: "registry",
    ADULT: "registry",
    LIBRARY: "registry",
    VALID_UNTIL: "registry",
    SERVICES: "registry",
}


def library_claim(borrower: Borrower) -> dict | None:
    """The borrower's library: name and, when libraries have one, sigel. None for a
    protected identity (nothing geographic is told about it)."""
    if not borrower.has_library:
        return None
    library = {"name": borrower.library.name}
    sigel = getattr(borrower.library, "sigel", "")
    if sigel:
        library["sigel"] = sigel
    return library


def borrower_claims(borrower: Borrower) -> dict:
    today = timezone.localdate()
    return {
        "sub": Subject.of(borrower),
        "email": borrower.email,
        KIND: borrower.id_kind,
        ADULT: borrower.is_adult(today),
        LIBRARY: library_claim(borrower),
        VALID_UNTIL: borrower.valid_until.isoformat() if borrower.valid_until else None,
        SERVICES: list(
            borrower.services.filter(published=True).order_by("name").values_list("name", flat=True)
        ),
    }
