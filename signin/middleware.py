"""CSP's form-action for Mina sidor's login page when it signs a borrower in to a
service: the login form posts, is redirected to the authorization endpoint and
from there to the service, and browsers check form-action along the whole chain."""

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from .models import Client
from .views import redirect_origins


class SignInFormActionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path != reverse("selfservice:login"):
            return response
        wanted = urlsplit(request.GET.get("next", ""))
        if wanted.netloc or wanted.path != reverse("oauth2_provider:authorize"):
            return response
        client_id = (parse_qs(wanted.query).get("client_id") or [""])[0]
        client = Client.objects.filter(client_id=client_id).first() if client_id else None
        if client is not None:
            response._csp_update = {"form-action": redirect_origins(client)}
        return response
