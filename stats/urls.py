from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.library_statistics, name="library"),
    path("<slug:table>.csv", views.library_csv, name="library_csv"),
]
