from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfserviceConfig(AppConfig):
    name = "selfservice"
    verbose_name = _("My pages and the login check")

    def ready(self):
        from . import signals  # noqa: F401  (keeps staff and borrower sessions apart)
