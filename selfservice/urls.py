from django.urls import path

from . import language, views

app_name = "selfservice"

urlpatterns = [
    path("", views.details, name="details"),
    path("logga-in/", views.login, name="login"),
    path("logga-ut/", views.logout, name="logout"),
    path("byt-losenord/", views.change_password, name="change_password"),
    path("sprak/", views.change_language, name="change_language"),
    # The switch on the pages before login: a cookie (language.py).
    path("sprak/valj/", language.switch_language, name="language"),
    path("glomt-losenord/", views.forgot_password, name="forgot_password"),
    path("glomt-losenord/skickat/", views.forgot_password_sent, name="forgot_password_sent"),
    path("nytt-losenord/valj/", views.reset_password, name="reset_password"),
    # The link in mail: the token in the query string (docs/security.md).
    path("nytt-losenord/", views.reset_link, name="password_link"),
    path("nytt-losenord/<str:token>/", views.reset_link, name="reset_link"),
    path("byt-bibliotek/", views.transfer, name="transfer"),
    path("byt-bibliotek/<int:library>/", views.transfer_confirm, name="transfer_confirm"),
    path(
        "byt-bibliotek/ansokan/<uuid:code>/aterkalla/",
        views.transfer_withdraw,
        name="transfer_withdraw",
    ),
]
