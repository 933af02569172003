from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        # The admin shows third-party apps under their AppConfig's English name; MTM's
        # staff read Swedish. (Their model and field names: core/third_party_names.py.)
        apps.get_app_config("axes").verbose_name = _("Login attempts")
        apps.get_app_config("django_tasks_database").verbose_name = _("Background tasks")
