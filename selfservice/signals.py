from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .session import forget_borrower


@receiver(user_logged_in, dispatch_uid="selfservice_staff_login_ends_borrower_session")
def staff_login_ends_borrower_session(sender, request, user, **kwargs):
    """A staff login in a browser where a borrower was logged in on Mina sidor:
    the two must never share a session, so the borrower part goes."""
    if request is not None and hasattr(request, "session"):
        forget_borrower(request.session)
