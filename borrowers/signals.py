"""What borrowers tell the apps above them (README, *Project layout*: they may not
import those apps). Receivers run synchronously, inside the sender's transaction."""

from django.dispatch import Signal

#: Borrower.protect(by=...) made `borrower` a protected identity; kwargs: borrower, by.
identity_protected = Signal()
