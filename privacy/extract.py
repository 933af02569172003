"""The register extract (GDPR art. 15): everything the registry holds about one borrower.

`register_extract` is the one place that gathers it; the admin's *Registerutdrag*
and Mina sidor's *Hämta mina uppgifter* show the same data as a printable page and
as a JSON download. Mails are listed by kind and date, never their text (it is not
stored). Staff accounts appear by library ("MTM" for MTM's staff); their names
only when MTM asks for them (`staff_names`), never on Mina sidor.

`audited_extract` records the extract in the audit log, in the same transaction.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import borrower_throttle as throttle
from accounts.models import LoginFailure
from audit.log import keyed_hash, record
from audit.models import Action, AuditEvent
from borrowers.lookups import lookup_email_term
from borrowers.merge import merged_codes
from borrowers.models import Borrower
from notifications.models import OutgoingMail
from transfers.models import TransferRequest


def _day(value) -> str | None:
    return f"{value:%Y-%m-%d}" if value else None


def _moment(value) -> str | None:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else None


@dataclass(frozen=True)
class Shown:
    """How staff and libraries are shown: staff by library ("MTM" for MTM's
    staff), with names only when MTM asks; to a protected identity no library
    at all (nothing geographic is told about one, even to a stolen session)."""

    names: bool = False
    places: bool = True

    def library(self, library) -> str | None:
        return library.name if library is not None and self.places else None

    def staff(self, staff) -> str | None:
        if staff is None:
            return None
        if not staff.library_id:
            where = _("MTM")
        else:
            where = staff.library.name if self.places else _("Library staff")
        return f"{where}: {staff.get_full_name() or staff.email}" if self.names else where


def _account(borrower: Borrower, shown: Shown, *, masked: bool) -> dict:
    notice = getattr(borrower, "deletion_notice", None)
    return {
        "internal_code": str(borrower.code),
        "kind_of_identifier": borrower.get_id_kind_display(),
        "identifier": borrower.masked_identifier if masked else borrower.display_identifier,
        "birth_date": _day(borrower.birth_date),
        "first_name": borrower.first_name,
        "last_name": borrower.last_name,
        "email": borrower.email,
        "language": borrower.get_language_display(),
        "library": shown.library(borrower.library),
        "protected_identity": borrower.protected_identity,
        "registered_as_minor": borrower.registered_as_minor,
        "guardian_name": borrower.guardian_name,
        "guardian_birth_date": _day(borrower.guardian_birth_date),
        "valid_until": _day(borrower.valid_until),
        "password_set": borrower.has_usable_password(),
        "login_details_sent": _moment(borrower.credentials_sent_at),
        "last_login_in_legimus": _day(borrower.last_login),
        "registered": _moment(borrower.created_at),
        "registered_by": shown.staff(borrower.created_by),
        "updated": _moment(borrower.updated_at),
        "to_be_deleted_on": (
            _day(notice.delete_on)
            if notice is not None and notice.valid_until == borrower.valid_until
            else None
        ),
    }


def _transfers(borrower: Borrower, shown: Shown) -> list[dict]:
    requests = TransferRequest.objects.filter(borrower=borrower).select_related(
        "from_library", "to_library", "requested_by__library", "decided_by__library"
    )
    return [
        {
            "requested": _moment(request.requested_at),
            "from_library": shown.library(request.from_library),
            "to_library": shown.library(request.to_library),
            "requested_by": shown.staff(request.requested_by),
            "status": request.get_status_display(),
            "decided": _moment(request.decided_at),
            "decided_by": shown.staff(request.decided_by),
            "moved_at_once": request.pulled,
        }
        for request in requests
    ]


def _mails(borrower: Borrower) -> list[dict]:
    # The same rows the delete workflow removes (Borrower.delete_account).
    mails = OutgoingMail.objects.about_borrower(email=borrower.email, pk=borrower.pk).order_by(
        "created_at", "pk"
    )
    return [
        {
            "kind": mail.get_kind_display(),
            "to": mail.to,
            "status": mail.get_status_display(),
            "queued": _moment(mail.created_at),
            "sent": _moment(mail.sent_at),
        }
        for mail in mails
    ]


def _audit_log(borrower: Borrower, shown: Shown) -> list[dict]:
    # Searches for the borrower's number, and a registrar door's lookups of their
    # number or address (borrowers/lookups.py), are kept by keyed hash only: found
    # the same way.
    searched = [keyed_hash(borrower.identifier)]
    if borrower.email:
        searched.append(keyed_hash(lookup_email_term(borrower.email)))
    # The history of accounts merged into this one is the person's too (merged_codes).
    codes = merged_codes(borrower.code)
    events = (
        AuditEvent.objects.filter(Q(borrower_code__in=codes) | Q(search_hash__in=searched))
        .select_related("actor__library", "library")
        .order_by("at", "pk")
    )
    return [
        {
            "when": _moment(event.at),
            "action": event.description,
            "by": shown.staff(event.actor),
            "library": shown.library(event.library),
            "fields": event.fields,
            "service": event.detail.get("service"),
            "outcome": event.detail.get("outcome"),
        }
        for event in events
    ]


def _agreement(borrower: Borrower, shown: Shown) -> dict:
    """When and by whom the agreement was accepted, and the very text accepted."""
    text = borrower.accepted_agreement()
    return {
        "accepted": _moment(borrower.agreement_accepted_at),
        "recorded_by": shown.staff(borrower.agreement_accepted_by),
        "by_guardian": borrower.registered_as_minor,
        "text_language": text.get_language_display() if text else None,
        "text": text.text if text else None,
    }


def register_extract(borrower: Borrower, *, staff_names=False, for_borrower=False) -> dict:
    """Everything held about `borrower`, as JSON-ready data (dates ÅÅÅÅ-MM-DD).
    `for_borrower`: the borrower's own copy, the number masked as on Mina sidor."""
    shown = Shown(names=staff_names, places=not (for_borrower and borrower.protected_identity))
    return {
        "made": _moment(timezone.now()),
        "account": _account(borrower, shown, masked=for_borrower),
        "services": [service.name for service in borrower.services.all()],
        "agreement": _agreement(borrower, shown),
        "transfer_requests": _transfers(borrower, shown),
        "mails": _mails(borrower),
        "expiry_reminders": [
            {"for_end_date": _day(reminder.valid_until), "queued": _moment(reminder.sent_at)}
            for reminder in borrower.reminders.order_by("sent_at")
        ],
        "failed_logins": [
            {"when": _moment(failure.at), "channel": failure.get_channel_display()}
            for failure in LoginFailure.objects.filter(
                account=throttle.account_key(borrower.email)
            ).order_by("at")
        ],
        "audit_log": _audit_log(borrower, shown),
    }


def audited_extract(
    borrower: Borrower, *, by=None, via: str, as_file: bool, staff_names=False, for_borrower=False
) -> dict:
    """The extract and, in the same transaction, its EXTRACTED event (recorded after
    the extract is gathered, so not in it)."""
    with transaction.atomic():
        extract = register_extract(
            Borrower.objects.select_related(
                "library", "created_by__library", "agreement_accepted_by__library"
            ).get(pk=borrower.pk),
            staff_names=staff_names,
            for_borrower=for_borrower,
        )
        record(
            Action.EXTRACTED,
            actor=by,
            borrower=borrower,
            via=via,
            file=as_file,
            staff_names=staff_names,
        )
    return extract


# --- the printable page ---------------------------------------------------------------

ACCOUNT_LABELS = {
    "internal_code": gettext_lazy("Internal code"),
    "kind_of_identifier": gettext_lazy("Kind of identifier"),
    "identifier": gettext_lazy("Number"),
    "birth_date": gettext_lazy("Date of birth"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "email": gettext_lazy("E-mail"),
    "language": gettext_lazy("Language"),
    "library": gettext_lazy("Library"),
    "protected_identity": gettext_lazy("Protected identity"),
    "registered_as_minor": gettext_lazy("Registered as under 18"),
    "guardian_name": gettext_lazy("Guardian's name"),
    "guardian_birth_date": gettext_lazy("Guardian's date of birth"),
    "valid_until": gettext_lazy("Valid until"),
    "password_set": gettext_lazy("A password is set"),
    "login_details_sent": gettext_lazy("Login details sent"),
    "last_login_in_legimus": gettext_lazy("Last login in Legimus"),
    "registered": gettext_lazy("Registered on"),
    "registered_by": gettext_lazy("Registered by"),
    "updated": gettext_lazy("Last changed"),
    "to_be_deleted_on": gettext_lazy("To be deleted on"),
}
AGREEMENT_LABELS = {
    "accepted": gettext_lazy("Agreement accepted"),
    "recorded_by": gettext_lazy("Agreement recorded by"),
    "by_guardian": gettext_lazy("Accepted by the guardian"),
    "text_language": gettext_lazy("Language of the agreement"),
    "text": gettext_lazy("The agreement text accepted"),
}
#: key -> (heading, {column key: label}), in the order of the page.
TABLES = {
    "transfer_requests": (
        gettext_lazy("Transfer requests"),
        {
            "requested": gettext_lazy("Requested"),
            "from_library": gettext_lazy("From"),
            "to_library": gettext_lazy("To"),
            "requested_by": gettext_lazy("Requested by"),
            "status": gettext_lazy("Status"),
            "decided": gettext_lazy("Decided"),
            "decided_by": gettext_lazy("Decided by"),
            "moved_at_once": gettext_lazy("Moved at once"),
        },
    ),
    "mails": (
        gettext_lazy("E-mail sent"),
        {
            "kind": gettext_lazy("Kind"),
            "to": gettext_lazy("To"),
            "status": gettext_lazy("Status"),
            "queued": gettext_lazy("Queued"),
            "sent": gettext_lazy("Sent"),
        },
    ),
    "expiry_reminders": (
        gettext_lazy("Expiry reminders"),
        {"for_end_date": gettext_lazy("For the end date"), "queued": gettext_lazy("Queued")},
    ),
    "failed_logins": (
        gettext_lazy("Failed logins (kept for the lockout period only)"),
        {"when": gettext_lazy("When"), "channel": gettext_lazy("Where")},
    ),
    "audit_log": (
        gettext_lazy("Audit log: who did what with the details, and when"),
        {
            "when": gettext_lazy("When"),
            "action": gettext_lazy("What"),
            "by": gettext_lazy("Staff account"),
            "library": gettext_lazy("Library"),
            "fields": gettext_lazy("Changed fields"),
            "service": gettext_lazy("Service"),
            "outcome": gettext_lazy("Outcome"),
        },
    ),
}


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def for_page(extract: dict) -> dict:
    """The extract as the template shows it: label/value pairs and tables."""
    details = [(label, _shown(extract["account"][key])) for key, label in ACCOUNT_LABELS.items()]
    details.append((gettext_lazy("User groups"), _shown(extract["services"])))
    details += [(label, _shown(extract["agreement"][k])) for k, label in AGREEMENT_LABELS.items()]
    tables = [
        {
            "key": key,
            "heading": heading,
            "columns": list(columns.values()),
            "rows": [[_shown(row[column]) for column in columns] for row in extract[key]],
        }
        for key, (heading, columns) in TABLES.items()
    ]
    return {"made": extract["made"], "details": details, "tables": tables}
