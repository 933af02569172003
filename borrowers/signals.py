"""What borrowers tell the apps above them (docs/architecture.md, *Layers*: they may not
import those apps). Receivers run synchronously, inside the sender's transaction."""

from django.dispatch import Signal

#: `borrower` can no longer move between libraries (Borrower.protect: a protected
#: identity; Borrower.replace_with_personnummer: the account is being replaced): its pending
#: transfer request is withdrawn. kwargs: borrower, by, reason.
withdraw_pending_transfers = Signal()
