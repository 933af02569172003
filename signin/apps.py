from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    """Sign in with the registry: the OpenID Connect provider (docs/oidc.md)."""

    name = "signin"
    verbose_name = _("Sign-in services")

    def ready(self):
        from . import signals  # noqa: F401
