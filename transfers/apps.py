from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from borrowers.signals import found_at_another_library, withdraw_pending_transfers


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = _("Transfers")

    def ready(self):
        from .models import withdraw_pending
        from .pull import on_found_at_another_library

        withdraw_pending_transfers.connect(withdraw_pending, dispatch_uid="transfers.withdraw")
        found_at_another_library.connect(on_found_at_another_library, dispatch_uid="transfers.pull")
