from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    # Not "statistics": that name would shadow Python's standard library module.
    name = "stats"
    verbose_name = _("Statistics")
