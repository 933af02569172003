from django.urls import path

from . import views

app_name = "transfers"

urlpatterns = [
    path("", views.incoming, name="incoming"),
    path("ansokan/<uuid:code>/", views.incoming_detail, name="incoming_detail"),
    path("ansokan/<uuid:code>/aterkalla/", views.cancel, name="cancel"),
    path("lantagare/<uuid:code>/", views.outgoing, name="outgoing"),
    path("lantagare/<uuid:code>/bibliotek/", views.library_search, name="library_search"),
    path("lantagare/<uuid:code>/bibliotek/<int:library>/", views.confirm, name="confirm"),
    path("hamta/<uuid:code>/", views.pull, name="pull"),
]
