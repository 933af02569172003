"""The pages that bring the apps together: the registrars' start page (it counts
borrowers, transfers and applications), the accessibility statement, the session
keep-alive and the health check."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.start, name="start"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("sessionen/fortsatt/", views.keep_alive, name="keep_alive"),
    path("healthz", views.healthz, name="healthz"),
]
