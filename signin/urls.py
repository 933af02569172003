"""The provider's endpoints. The toolkit reverses them as oauth2_provider:<name>."""

from django.urls import path

from . import views

app_name = "oauth2_provider"

urlpatterns = [
    path(
        ".well-known/openid-configuration",
        views.DiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path("oidc/authorize/", views.AuthorizeView.as_view(), name="authorize"),
    path("oidc/token/", views.TokenView.as_view(), name="token"),
    path("oidc/userinfo/", views.UserInfoView.as_view(), name="user-info"),
    path("oidc/jwks/", views.JwksView.as_view(), name="jwks-info"),
    path("oidc/logout/", views.LogoutView.as_view(), name="rp-initiated-logout"),
]
