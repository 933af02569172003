from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        from django.contrib import admin
        from django.contrib.admin.forms import AdminAuthenticationForm
        from django_otp.admin import OTPAdminSite

        from . import mfa  # noqa: F401 (its signals keep the second factor's generation)

        class SecondFactorAdminSite(OTPAdminSite):
            """django-otp's admin site: no admin page for a user whose session is
            not verified by a second factor. The password is given on the admin's
            own login page and the code on ours (SecondFactorMiddleware)."""

            login_form = AdminAuthenticationForm
            login_template = None

        # The default site keeps its name and registrations; only the rule changes.
        admin.site.__class__ = SecondFactorAdminSite
