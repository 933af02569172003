"""MTM's policy numbers for borrower accounts, each with one home: every page,
message, mail and command that quotes one imports it from here (messages
interpolate it, so a new number changes every text with it)."""

#: Expiry notices: "two weeks before the validity ends" (handbook, Kontons
#: giltighetstid). The reminder mails (send_expiry_reminders), the start page's
#: "expire soon" count, the list *Gar ut* and the admin's validity filter.
EXPIRY_NOTICE_DAYS = 14

#: The shortest borrower password (SPEC §2 Passwords): chosen by the borrower from a
#: link or on Mina sidor, or set by a registrar with *Byt lösenord*.
BORROWER_PASSWORD_MIN_LENGTH = 6
