"""The OpenID Connect endpoints, on django-oauth-toolkit's views (docs/oidc.md).

The borrower signs in on Mina sidor's own login page (selfservice), with all it
enforces; the authorization view only reads the Mina sidor session. For the
toolkit, the borrower is request.user during these views (models.py explains why
the tokens can hold a borrower).
"""

import json
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from oauth2_provider import views as toolkit
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import add_params_to_uri

from audit.log import record
from audit.models import Action
from selfservice import session
from selfservice.texts import expired_message

from .claims import CLAIM_SCOPES
from .models import AccessToken, Client, RefreshToken
from .validators import refusal


def _client_named(client_id: str) -> Client | None:
    return Client.objects.filter(client_id=client_id).first() if client_id else None


def audited_refusal(*, borrower=None, client_id: str = "", error: str, **detail) -> None:
    client = _client_named(client_id)
    record(
        Action.SIGNIN_REFUSED,
        borrower=borrower,
        error=error,
        service=client.name if client else "",
        client_id=client_id[:100],
        **detail,
    )


def redirect_origins(client: Client) -> list[str]:
    """The origins of a client's redirect URIs (the consent form posts, then the
    browser is redirected there: CSP's form-action must allow them)."""
    origins = []
    for uri in client.redirect_uris.split():
        parts = urlsplit(uri)
        if parts.scheme and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


#: What the consent page says each scope gives the service.
def scope_descriptions() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        "openid": _("An identifier for you that the service can recognise you by next time"),
        "email": _("Your e-mail address"),
        "registry": _(
            "What kind of account you have, whether you are an adult, your library, "
            "how long your account is valid and which services you have"
        ),
    }


@method_decorator([login_not_required, never_cache], name="dispatch")
class AuthorizeView(toolkit.AuthorizationView):
    """The authorization endpoint: a borrower logged in on Mina sidor, or the login
    page with this request as `next`; a consent page unless the client is first-party."""

    template_name = "signin/authorize.html"

    def dispatch(self, request, *args, **kwargs):
        borrower, ended = session.current_borrower(request)
        prompt = set(request.GET.get("prompt", "").split())
        if borrower is None and "none" in prompt and request.method == "GET":
            return self._login_required(request)
        if borrower is None or ("login" in prompt and request.method == "GET"):
            if ended is session.Ended.EXPIRED:
                messages.error(request, expired_message(borrower))
            if borrower is not None:  # prompt=login: a fresh login, whoever it is
                session.log_out(request)
            return self._to_login(request)
        borrower.signin_auth_time = datetime.fromtimestamp(
            request.session.get(session.AUTH_TIME, time.time()), tz=UTC
        )
        # The borrower is request.user for the toolkit during this view only: the
        # middleware around it knows request.user as a staff login (or none).
        staff, self.borrower, request.user = request.user, borrower, borrower
        self.oauth2_data = {}
        try:
            # Skip the toolkit's LoginRequiredMixin (it asks for a staff login).
            return super(LoginRequiredMixin, self).dispatch(request, *args, **kwargs)
        finally:
            request.user = staff

    def _to_login(self, request):
        query = {k: v for k, v in request.GET.lists() if k != "prompt"}
        here = request.path + ("?" + urlencode(query, doseq=True) if query else "")
        return redirect(reverse("selfservice:login") + "?" + urlencode({"next": here}))

    def _login_required(self, request):
        """prompt=none and no borrower logged in: login_required, to the client, once
        the client and its redirect URI are known to be registered."""
        try:
            _scopes, credentials = self.validate_authorization_request_without_prompt(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        client = _client_named(credentials["client_id"])
        params = [("error", "login_required")]
        if credentials.get("state"):
            params.append(("state", credentials["state"]))
        audited_refusal(client_id=credentials["client_id"], error="login_required")
        return OAuth2ResponseRedirect(
            add_params_to_uri(credentials["redirect_uri"], params), client.get_allowed_schemes()
        )

    def validate_authorization_request_without_prompt(self, request):
        query = request.GET.copy()
        query.pop("prompt", None)
        request.GET = query
        request.META["QUERY_STRING"] = query.urlencode()
        return self.validate_authorization_request(request)

    def handle_prompt_login(self):  # dispatch has asked for a fresh login already
        return None

    def handle_prompt_create(self):  # borrowers are registered by their library
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        descriptions = scope_descriptions()
        context["borrower"] = None  # no Mina sidor menu around the consent page
        context["scope_texts"] = [
            descriptions[s] for s in kwargs.get("scopes", []) if s in descriptions
        ]
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        application = context.get("application")
        if application is not None:
            # The consent form posts here and is then redirected to the client.
            response._csp_update = {"form-action": redirect_origins(application)}
        return response

    def form_invalid(self, form):
        """A consent form posted without the request's fields: no redirect to anywhere."""
        audited_refusal(
            borrower=self.borrower,
            client_id=self.request.POST.get("client_id", ""),
            error="invalid_request",
        )
        return self.render_to_response(self.get_context_data(form=form, error=True), status=400)

    def redirect(self, redirect_to, application):
        """Every answer to the client: a code (SIGNIN_AUTHORIZED) or an error."""
        query = parse_qs(urlsplit(redirect_to).query)
        client_id = application.client_id if application else ""
        if "code" in query:
            record(
                Action.SIGNIN_AUTHORIZED,
                borrower=self.borrower,
                service=application.name,
                client_id=client_id,
                first_party=application.skip_authorization,
            )
        else:
            audited_refusal(
                borrower=getattr(self, "borrower", None),
                client_id=client_id,
                error=(query.get("error") or ["unknown"])[0],
            )
        return super().redirect(redirect_to, application)

    def error_response(self, error, application, **kwargs):
        response = super().error_response(error, application, **kwargs)
        if not isinstance(response, OAuth2ResponseRedirect):
            # Not redirected (an unknown client, a redirect URI not registered): shown here.
            audited_refusal(
                borrower=getattr(self, "borrower", None),
                client_id=self.request.GET.get("client_id", "")
                or self.request.POST.get("client_id", ""),
                error=getattr(error.oauthlib_error, "error", "invalid_request"),
                redirect_uri_registered=False,
            )
        return response


@method_decorator(login_not_required, name="dispatch")
class TokenView(toolkit.TokenView):
    """The token endpoint; every refusal in the audit log (issues: validators.py)."""

    def post(self, request, *args, **kwargs):
        refusal.set(None)
        response = super().post(request, *args, **kwargs)
        if response.status_code != 200:
            try:
                error = json.loads(response.content).get("error", "")
            except ValueError:
                error = ""
            borrower, reason = refusal.get() or (None, "")
            audited_refusal(
                borrower=borrower,
                client_id=request.POST.get("client_id", "") or self._basic_client_id(request),
                error=error or str(response.status_code),
                grant_type=request.POST.get("grant_type", "")[:40],
                **({"reason": reason} if reason else {}),
            )
        return response

    @staticmethod
    def _basic_client_id(request) -> str:
        import base64
        from urllib.parse import unquote

        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return ""
        try:
            return unquote(base64.b64decode(value).decode().partition(":")[0])
        except ValueError:
            return ""


@method_decorator(login_not_required, name="dispatch")
class UserInfoView(toolkit.UserInfoView):
    def get(self, request, *args, **kwargs):
        refusal.set(None)
        response = super().get(request, *args, **kwargs)
        if response.status_code != 200:
            borrower, reason = refusal.get() or (None, "")
            if borrower is not None:
                audited_refusal(borrower=borrower, error="invalid_token", reason=reason)
        return response

    post = get


@method_decorator(login_not_required, name="dispatch")
class DiscoveryView(toolkit.ConnectDiscoveryInfoView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            document = json.loads(response.content)
            document["code_challenge_methods_supported"] = ["S256"]
            document["claims_supported"] = sorted(CLAIM_SCOPES)
            document["scopes_supported"] = sorted(oauth2_settings.SCOPES)
            response.content = json.dumps(document)
        return response


@method_decorator(login_not_required, name="dispatch")
class JwksView(toolkit.JwksInfoView):
    pass


@method_decorator([login_not_required, never_cache], name="dispatch")
class LogoutView(toolkit.RPInitiatedLogoutView):
    """RP-initiated logout: ends the Mina sidor session and the client's tokens."""

    template_name = "signin/logout_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        self.borrower, _ended = session.current_borrower(request)
        return super().dispatch(request, *args, **kwargs)

    def must_prompt(self, token_user):
        if self.borrower is None:
            return False  # no Mina sidor session: nothing to ask about
        return token_user is None or token_user != self.borrower

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["borrower"] = None
        return context

    def do_logout(
        self, application=None, post_logout_redirect_uri=None, state=None, token_user=None
    ):
        borrower = token_user or self.borrower
        if borrower is not None:
            tokens = AccessToken.objects.filter(user=borrower)
            if application is not None:
                tokens = tokens.filter(application=application)
            for refresh_token in RefreshToken.objects.filter(
                access_token__in=list(tokens), revoked__isnull=True
            ):
                refresh_token.revoke()
            for token in tokens:
                if token.id_token:
                    token.id_token.revoke()
                token.revoke()
        if self.borrower is not None:
            session.log_out(self.request)  # a staff login in this browser is no business of ours
        if post_logout_redirect_uri:
            if state:
                post_logout_redirect_uri = add_params_to_uri(
                    post_logout_redirect_uri, [("state", state)]
                )
            return OAuth2ResponseRedirect(
                post_logout_redirect_uri, application.get_allowed_schemes()
            )
        return redirect("selfservice:login")
