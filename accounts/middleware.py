from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from . import mfa

#: Pages a logged-in but unverified staff member may open: the second factor's
#: own, logging out, and what every page loads.
OPEN_PREFIXES = (
    "/static/",
    "/sessionen/fortsatt/",
    "/healthz",
    "/tillganglighet/",
    "/webauthn/authentication/",  # a passkey as the second factor
    "/webauthn/jsi18n/",
)
#: Registering a passkey: only while the person has no second factor at all
#: (enrolment); else a password alone could add an attacker's passkey.
ENROLMENT_PREFIXES = ("/webauthn/registration/",)


class SecondFactorMiddleware:
    """After the password, a staff member who needs a second factor gets nothing
    but the code page (or enrolment, with no device yet) until it is given.

    The admin (django-otp's OTPAdminSite, accounts.apps) refuses unverified users
    too, so MTM staff cannot reach any admin page even if this were bypassed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and mfa.required_for(user)
            and not self._open(request.path)
            and not (
                request.path.startswith(ENROLMENT_PREFIXES) and not mfa.has_second_factor(user)
            )
        ):
            target = "accounts:mfa_verify" if mfa.has_second_factor(user) else "accounts:mfa_enrol"
            url = reverse(target)
            if request.method == "GET" and url_has_allowed_host_and_scheme(
                request.get_full_path(), allowed_hosts={request.get_host()}
            ):
                url += "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        own = (
            reverse("accounts:mfa_verify"),
            reverse("accounts:mfa_enrol"),
            reverse("accounts:logout"),
        )
        return path in own or path.startswith(OPEN_PREFIXES)
