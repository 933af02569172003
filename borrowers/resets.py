"""Mina sidor's Glömt lösenord off the request (accounts/resets.py tells why)."""

from django_tasks import task

from .models import Borrower


@task()
def send_borrower_reset(email: str) -> str:
    """Queue a reset mail if a borrower has this e-mail (throttled per address)."""
    Borrower.objects.request_password_reset(email)
    return "done"
