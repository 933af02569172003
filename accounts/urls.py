from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import mfa_views, views

app_name = "accounts"

urlpatterns = [
    path("logga-in/", login_not_required(views.LoginView.as_view()), name="login"),
    path("logga-ut/", views.LogoutView.as_view(), name="logout"),
    path("mina-uppgifter/", views.profile, name="profile"),
    path("tvastegsverifiering/", mfa_views.verify, name="mfa_verify"),
    path("tvastegsverifiering/aktivera/", mfa_views.enrol, name="mfa_enrol"),
    path("tvastegsverifiering/reservkoder/", mfa_views.recovery_codes, name="mfa_recovery_codes"),
    path(
        "glomt-losenord/",
        login_not_required(views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "glomt-losenord/skickat/",
        login_not_required(views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "nytt-losenord/<uidb64>/<token>/",
        login_not_required(views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "nytt-losenord/klart/",
        login_not_required(views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    # The link in mail: the token in the query string (docs/security.md).
    path("nytt-losenord/<uidb64>/", views.set_password_link, name="set_password_link"),
]
