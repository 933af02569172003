from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BorrowersConfig(AppConfig):
    name = "borrowers"
    verbose_name = _("Borrowers")

    def ready(self):
        from . import coming_of_age, lookups, reminders  # noqa: F401  (register their mails)
