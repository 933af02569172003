import functools

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import DEVICE_ID_SESSION_KEY

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


class VerifiedSessionMiddleware:
    """django-otp's OTPMiddleware without its device query on every request.

    Like OTPMiddleware it gives request.user is_verified() and otp_device, but the
    session is verified when it holds a device id and the person's second-factor
    generation (read with the user) is the one it was verified in (accounts.mfa).
    The device itself is read only where a page asks for otp_device. After a request
    that verified the session (django_otp.login) or changed the person's devices,
    the session is anchored anew to the generation, if its device still vouches.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seen = {}
        request.user = SimpleLazyObject(
            functools.partial(self._verify, request, request.user, seen)
        )
        bumped = set()
        token = mfa.bumped_in_request.set(bumped)
        try:
            response = self.get_response(request)
        finally:
            mfa.bumped_in_request.reset(token)
        self._reanchor(request, seen, bumped)
        return response

    @staticmethod
    def _verify(request, user, seen):
        if user.is_authenticated:
            session = request.session
            if mfa.session_verified(session, user):
                user._otp_verified = True
                user._otp_persistent_id = seen["device_id"] = session[DEVICE_ID_SESSION_KEY]
            elif DEVICE_ID_SESSION_KEY in session:
                del session[DEVICE_ID_SESSION_KEY]  # given in an older generation
        else:
            user.otp_device = None
            user.is_verified = lambda: False
        return user

    @staticmethod
    def _reanchor(request, seen, bumped):
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return  # nobody signed in or verified in this request
        user = getattr(request, "user", None)  # a sign-in may have replaced it
        if user is None or not user.is_authenticated:
            return
        device_id = session.get(DEVICE_ID_SESSION_KEY)
        if device_id is not None and (device_id != seen.get("device_id") or user.pk in bumped):
            mfa.anchor(session, user)


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
