"""The OpenID Connect provider's rules on top of django-oauth-toolkit (docs/oidc.md).

request.user is a borrowers.Borrower here (models.py): the authorization view puts
the Mina sidor borrower there, and the toolkit loads it back from grants and tokens.
Every code exchange, refresh and use of an access token also asks whether the
borrower may still sign in: the account not expired, the password unchanged since
the borrower signed in (a stamp). Deleted accounts have no tokens left (cascade).
"""

import uuid
from contextvars import ContextVar
from datetime import UTC, timedelta

from django.utils import timezone
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings

from audit.log import record
from audit.models import Action
from borrowers.models import Borrower

from .claims import CLAIM_SCOPES, borrower_claims
from .models import AccessToken, Grant, RefreshToken


def may_still_sign_in(row, borrower: Borrower | None) -> bool:
    """A grant's or token's borrower may still use it: the account still there and
    not expired, and the password the one it was issued under."""
    if borrower is None:
        return False
    fresh = Borrower.objects.filter(pk=borrower.pk).only("password", "valid_until").first()
    return (
        fresh is not None
        and not fresh.is_expired(timezone.localdate())
        and row.still_held_by(fresh)
    )


#: Why the validator refused, and whom: the views put it in the audit log with the
#: error they answer (views.audited_refusal), so each refusal is one event.
refusal: ContextVar[tuple[Borrower | None, str] | None] = ContextVar("refusal", default=None)


def refuse(request, reason: str) -> None:
    user = getattr(request, "user", None)
    refusal.set((user if isinstance(user, Borrower) else None, reason))


class BorrowerValidator(OAuth2Validator):
    oidc_claim_scope = CLAIM_SCOPES

    # -- Authorization --------------------------------------------------------------

    def validate_silent_login(self, request) -> bool:
        # prompt=none: the view answers login_required itself when no borrower is logged in.
        return isinstance(request.user, Borrower)

    def validate_silent_authorization(self, request) -> bool:
        # prompt=none can only skip the consent page for a first-party client.
        return bool(request.client and request.client.skip_authorization)

    def _create_authorization_code(self, request, code, expires=None):
        grant = super()._create_authorization_code(request, code, expires)
        auth_time = getattr(request.user, "signin_auth_time", None)
        if auth_time is not None:
            Grant.objects.filter(pk=grant.pk).update(auth_time=auth_time)
        return grant

    # -- The token endpoint ---------------------------------------------------------

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            return False
        grant = Grant.objects.get(code=code, application=client)
        if not may_still_sign_in(grant, grant.user):
            refuse(request, "borrower_may_not_sign_in")
            return False
        request.signin_auth_time = grant.auth_time
        return True

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        token = request.refresh_token_instance
        if not may_still_sign_in(token, token.user):
            # The whole family goes: nothing issued under the old password lives on.
            RefreshToken.revoke_family(token.token_family)
            AccessToken.objects.filter(user=token.user, application=client).delete()
            refuse(request, "borrower_may_not_sign_in")
            return False
        request.signin_auth_time = token.auth_time
        return True

    def _create_refresh_token(self, request, refresh_token_code, access_token, previous):
        token = super()._create_refresh_token(request, refresh_token_code, access_token, previous)
        auth_time = getattr(request, "signin_auth_time", None)
        if auth_time is not None:
            RefreshToken.objects.filter(pk=token.pk).update(auth_time=auth_time)
        return token

    def _save_bearer_token(self, token, request, *args, **kwargs):
        result = super()._save_bearer_token(token, request, *args, **kwargs)
        record(
            Action.SIGNIN_TOKEN_ISSUED,
            borrower=request.user,
            service=request.client.name,
            client_id=request.client.client_id,
            grant_type=request.grant_type,
            scope=token.get("scope", ""),
        )
        return result

    # -- Userinfo ---------------------------------------------------------------------

    def validate_bearer_token(self, token, scopes, request):
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if not may_still_sign_in(request.access_token, request.user):
            refuse(request, "borrower_may_not_sign_in")
            return False
        return True

    # -- Claims -----------------------------------------------------------------------

    def get_additional_claims(self, request):
        return borrower_claims(request.user)

    def get_claim_dict(self, request):
        # `sub` is the borrower's subject (claims.py), never the primary key.
        return self.get_additional_claims(request)

    def get_id_token_dictionary(self, token, token_handler, request):
        """The toolkit's claims, with auth_time from the Mina sidor login (a borrower's
        last_login is a day, kept for another purpose)."""
        claims = self.get_oidc_claims(token, token_handler, request)
        now = timezone.now()
        expiration_time = now + timedelta(seconds=oauth2_settings.ID_TOKEN_EXPIRE_SECONDS)
        auth_time = getattr(request, "signin_auth_time", None) or now
        claims.update(
            iss=self.get_oidc_issuer_endpoint(request),
            exp=int(expiration_time.timestamp()),
            auth_time=int(auth_time.astimezone(UTC).timestamp()),
            jti=str(uuid.uuid4()),
        )
        return claims, expiration_time
