"""The root URLconf: every app owns its URLs; this only includes them."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("portal.urls")),
    path("", include("libraries.urls")),
    path("", include("applications.urls")),
    path("", include("privacy.urls")),
    path("mitt-bibliotek/statistik/", include("stats.urls")),
    path("konto/", include("accounts.urls")),
    path("lantagare/", include("borrowers.urls")),
    path("flytt/", include("transfers.urls")),
    path("mina-sidor/", include("selfservice.urls")),
    path("api/v1/", include("selfservice.api_urls")),
    path("", include("signin.urls")),
    path("webauthn/", include("accounts.webauthn_urls")),
    path("admin/", admin.site.urls),
]
