from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from borrowers.signals import identity_protected


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = _("Transfers")

    def ready(self):
        from .models import withdraw_on_protection

        identity_protected.connect(withdraw_on_protection, dispatch_uid="transfers.protected")
