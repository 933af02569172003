"""The one normal form of a login identity (an e-mail), for every throttle.

A lock counts failures for an identity; if `Rita@A.se` and `rita@a.se ` were two
identities, letter case would give an attacker fresh guesses. Case-folded and
trimmed before anything counts or compares it (staff logins, Mina sidor, the
login check API, password reset requests).
"""

from django.conf import settings


def normalise_identity(value) -> str:
    return str(value or "").strip().casefold()


def client_address(request) -> str:
    """AXES_CLIENT_IP_CALLABLE: the address the login throttles count.

    Behind TRUSTED_PROXY_COUNT proxies, each of which appends the address it saw
    to X-Forwarded-For (Caddy does), the client is the entry that many places from
    the right: entries further left are whatever the client chose to send. A
    request that did not pass all the proxies counts by its own REMOTE_ADDR.
    (django-ipware is not installed, so axes' AXES_IPWARE_* settings do nothing.)
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    return hops[-count] if len(hops) >= count else remote
