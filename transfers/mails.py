"""What the transfer mails say, built at delivery from the stored request id.

Never the identity number: the borrower's first name, the libraries and dates.
"""

from notifications.mail import mail_context
from notifications.models import MailKind

from .models import TransferRequest


@mail_context(MailKind.TRANSFER_REQUESTED)
@mail_context(MailKind.TRANSFER_ACCEPTED)
@mail_context(MailKind.TRANSFER_REJECTED)
@mail_context(MailKind.TRANSFER_PULLED)
def transfer(context: dict) -> dict | None:
    request = (
        TransferRequest.objects.select_related("borrower", "from_library", "to_library")
        .filter(pk=context["transfer"])
        .first()
    )
    if request is None:  # the borrower was deleted, and the request with them
        return None
    return {
        "transfer": request,
        "borrower": request.borrower,
        "from_library": request.from_library,
        "to_library": request.to_library,
        "old_address": bool(context.get("old_address")),
        "by_mtm": bool(context.get("by_mtm")),
    }
