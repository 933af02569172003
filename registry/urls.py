from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("libraries.urls")),
    path("mitt-bibliotek/statistik/", include("stats.urls")),
    path("konto/", include("accounts.urls")),
    path("lantagare/", include("borrowers.urls")),
    path("flytt/", include("transfers.urls")),
    path("mina-sidor/", include("selfservice.urls")),
    path("ansok/", include("applications.urls")),
    path("api/v1/", include("selfservice.api_urls")),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("sessionen/fortsatt/", views.keep_alive, name="keep_alive"),
    path("healthz", views.healthz, name="healthz"),
    path("webauthn/", include("registry.webauthn_urls")),
    path("admin/", admin.site.urls),
]
