from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import StaffUser


class Command(BaseCommand):
    help = (
        "Development only (DJANGO_DEBUG on): print the current two-step verification "
        "code of a staff account's app, e.g. the demo MTM account's."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("demo_otp_code works only with DJANGO_DEBUG on (development).")
        device = TOTPDevice.objects.filter(
            user__in=StaffUser.objects.with_email(email.strip()), confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"No two-step verification app for {email}.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
