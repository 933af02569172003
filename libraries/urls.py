from django.urls import path

from accounts.models import Role

from . import views

app_name = "libraries"

urlpatterns = [
    path("mitt-bibliotek/", views.my_library, name="my_library"),
    path("mitt-bibliotek/filialer/", views.branches, name="branches"),
    path("mitt-bibliotek/filialer/<int:pk>/", views.branch, name="branch"),
    path(
        "mitt-bibliotek/huvudadministratorer/",
        views.staff_list,
        {"role": Role.HEAD_ADMIN},
        name="head_admins",
    ),
    path(
        "mitt-bibliotek/registrerare/",
        views.staff_list,
        {"role": Role.REGISTRAR},
        name="registrars",
    ),
    path("mitt-bibliotek/formedlare/", views.staff_list, {"role": Role.MEDIATOR}, name="mediators"),
]
