from django.urls import path

from . import api, openapi

app_name = "api"

urlpatterns = [
    path("authenticate", api.authenticate, name="authenticate"),
    path("openapi.json", openapi.openapi, name="openapi"),
]
