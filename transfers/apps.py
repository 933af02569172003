from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from borrowers.signals import withdraw_pending_transfers


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = _("Transfers")

    def ready(self):
        from .models import withdraw_pending

        withdraw_pending_transfers.connect(withdraw_pending, dispatch_uid="transfers.withdraw")
