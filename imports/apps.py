from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
    verbose_name = _("Import of the old register")

    def ready(self):
        from . import invitations  # noqa: F401  (registers its mails)
