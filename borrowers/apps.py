from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BorrowersConfig(AppConfig):
    name = "borrowers"
    verbose_name = _("Borrowers")

    def ready(self):
        from . import reminders  # noqa: F401  (registers the reminder mail)
