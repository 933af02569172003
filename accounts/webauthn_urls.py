"""django-otp-webauthn's endpoints (passkeys, accounts/mfa.py), with a JavaScript
catalogue that also reads our own Swedish djangojs translations (LOCALE_PATHS):
the package ships none for Swedish."""

from django.conf import settings
from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn.urls import urlpatterns as package_patterns

app_name = "otp_webauthn"


class Catalog(JavaScriptCatalog):
    def get_paths(self, packages):
        return [*super().get_paths(packages), *map(str, settings.LOCALE_PATHS)]


urlpatterns = [
    *(p for p in package_patterns if p.name != "js-i18n-catalog"),
    path(
        "jsi18n/",
        Catalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
