from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Outgoing mail")

    def ready(self):
        # Each app declares how to build its mails' context in <app>/mails.py.
        autodiscover_modules("mails")
