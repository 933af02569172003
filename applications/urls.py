from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("registrerarkonto/", views.library_search, name="library_search"),
    path("registrerarkonto/uppgifter/", views.apply, name="apply"),
    path("registrerarkonto/tack/", views.thanks, name="thanks"),
    path("filial/", views.branch, name="branch"),
]
