"""What borrowers tell the apps above them (docs/architecture.md, *Layers*: they may not
import those apps). Receivers run synchronously, inside the sender's transaction."""

from django.dispatch import Signal

#: `borrower` can no longer move between libraries (Borrower.protect: a protected
#: identity; Borrower.replace_with_personnummer: the account is being replaced): its pending
#: transfer request is withdrawn. kwargs: borrower, by, reason.
withdraw_pending_transfers = Signal()

#: A registrar typed the identifier of `borrower`, a borrower of another library, into a
#: create form (the form shows "already exists at another library"): transfers lets this
#: session open the pull page for them (transfers.pull.allow_pull). `borrower` may be None
#: (no match). kwargs: request, borrower, email (the address typed into the form).
found_at_another_library = Signal()
