"""Glömt lösenord, staff and borrowers alike: the request does the same work whatever
the address. The form is checked and one task is queued, with the address; the task
looks the address up, applies the reset-mail throttle and queues the mail, or does
nothing. So neither the answer nor its time tells whether an account has the address
(the per-address work happens off the request, in the task worker).
"""

from django.db import transaction
from django_tasks import task

from notifications.mail import queue_mail
from notifications.models import MailKind

from . import borrower_throttle as throttle
from .models import StaffUser


def staff_accounts(email: str):
    """The active staff accounts a reset for this address concerns (also those that
    never chose a password: a new registrar who lost the welcome mail resets too)."""
    return StaffUser.objects.with_email(email).filter(is_active=True)


@task()
def send_staff_reset(email: str) -> str:
    """Queue a reset mail per active staff account with this address; the link is
    minted at delivery. At most AXES_FAILURE_LIMIT mails per (normalised) e-mail within
    the cool-off window, the same throttle as Mina sidor's."""
    with transaction.atomic():
        users = list(staff_accounts(email))
        if not users or not throttle.allow_reset_mail(email):
            return "nothing"
        for user in users:
            queue_mail(MailKind.STAFF_PASSWORD_RESET, to=user.email, user=user.pk)
    return "queued"
