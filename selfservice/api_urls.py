from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("authenticate", api.authenticate, name="authenticate"),
]
