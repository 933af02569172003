"""Tjänster: the clients MTM lets sign borrowers in (docs/oidc.md, Clients).

Replaces the toolkit's admin: only the clients are managed here; tokens are
revoked by the rules (validators.py), not by hand.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from .models import Client

for model in (
    get_application_model(),
    get_access_token_model(),
    get_grant_model(),
    get_id_token_model(),
    get_refresh_token_model(),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "name",
            "redirect_uris",
            "post_logout_redirect_uris",
            "client_type",
            "skip_authorization",
        ]
        labels = {
            "name": _("Name"),
            "redirect_uris": _("Redirect URIs"),
            "post_logout_redirect_uris": _("Addresses after logging out"),
            "client_type": _("Kind of client"),
            "skip_authorization": _("First-party service (no consent page)"),
        }
        help_texts = {
            "redirect_uris": _(
                "One address per line, exactly as the service sends it. The registry "
                "sends borrowers to no other address."
            ),
            "post_logout_redirect_uris": _("One address per line (RP-initiated logout)."),
            "client_type": _(
                "Public: an app or a web page that cannot keep a secret. "
                "Confidential: a server that keeps the client secret."
            ),
            "skip_authorization": _(
                "MTM's own services. Others show borrowers a page naming what the "
                "service will receive."
            ),
        }
        widgets = {
            "client_type": forms.RadioSelect,
            "redirect_uris": forms.Textarea(attrs={"rows": 3}),
            "post_logout_redirect_uris": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["redirect_uris"].required = True
        self.fields["client_type"].choices = [
            (Client.CLIENT_PUBLIC, _("Public")),
            (Client.CLIENT_CONFIDENTIAL, _("Confidential")),
        ]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    """A new confidential client's secret is made with `manage.py create_oidc_client`
    (printed once); the admin never shows one."""

    form = ClientForm
    list_display = ["name", "client_id", "client_type", "skip_authorization", "created"]
    list_filter = ["client_type", "skip_authorization"]
    search_fields = ["name", "client_id"]
    readonly_fields = ["client_id", "created"]

    def get_fields(self, request, obj=None):
        fields = list(ClientForm.Meta.fields)
        return fields if obj is None else ["client_id", *fields, "created"]

    def save_model(self, request, obj, form, change):
        obj.authorization_grant_type = Client.GRANT_AUTHORIZATION_CODE
        obj.algorithm = Client.RS256_ALGORITHM
        super().save_model(request, obj, form, change)
