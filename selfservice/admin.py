from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from .models import ServiceToken


@admin.register(ServiceToken)
class ServiceTokenAdmin(admin.ModelAdmin):
    """MTM creates one token per service that uses the login check API.

    The token is shown once, on the page right after saving, and never stored
    (only its SHA-256 hash). It is rendered into that page directly instead of
    going through django.contrib.messages, whose cookie storage would carry the
    secret in a cookie. Revoked tokens are kept: the audit log names them.
    """

    list_display = ["name", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    readonly_fields = ["created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["name"] if obj is None else ["name", "created_at", "last_used_at", "revoked_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj._plain_token = obj.generate()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(obj, "_plain_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Copy the new token now"),
            "token": token,
            "service_token": obj,
        }
        response = TemplateResponse(
            request, "admin/selfservice/servicetoken/token_created.html", context
        )
        response["Referrer-Policy"] = "no-referrer"
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()
            revoked += 1
        self.message_user(
            request, _("Revoked tokens: %(count)d.") % {"count": revoked}, messages.SUCCESS
        )
