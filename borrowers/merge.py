"""Slå ihop konton: one person's two accounts become one (`merge`, the one workflow:
one transaction with its audit events and mail; a module of its own, as the rules
check goes through the admin form, which models.py may not import).

MTM chooses, field by field (MERGE_FIELDS), which account each value of the kept
account comes from; user groups default to both accounts' union. The result is
checked by the rules of its kind (forms/merge.py feeds it to the admin form's
rules). Everything that points at the other account is re-pointed to the kept
one, or deleted where it cannot become the kept one's (the other's sign-in tokens
and `sub`, a notice about its end date) (RELATIONS: a test fails when a model
pointing at borrowers is added without an entry here); the other account is deleted with a DELETED event naming the kept
one, and the kept account gets a MERGED event naming the other, so its history
(the admin's *Historik*) also shows the other account's events: the audit log is
append-only and its rows are never rewritten. One mail tells the person, at the
kept address.

Lock order: both borrower rows first, in primary-key order, then anything else
(transfer rows included), as transfers/models.py locks the borrower before the
transfer row.
"""

from django.apps import apps
from django.contrib.auth.hashers import is_password_usable
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from audit.log import record
from audit.models import Action, AuditEvent
from notifications.mail import queue_mail
from notifications.models import MailKind, MailStatus, OutgoingMail

from .models import Borrower, ExpiryReminder, NotDuplicate
from .signals import withdraw_pending_transfers

#: What MTM chooses per field: the choice's name -> the attributes taken together.
MERGE_FIELDS = {
    "identifier": ("id_kind", "identifier", "birth_date", "registered_as_minor"),
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "email": ("email",),
    "valid_until": ("valid_until",),
    "library": ("library",),
    "guardian": ("guardian_birth_date", "guardian_name"),
}

#: Not kept for a protected identity (Borrower.PLACE_FIELDS).
PLACE_CHOICES = ("first_name", "last_name", "library", "guardian")

#: The rules form's field -> the choice its error belongs to.
FORM_FIELD_CHOICE = {
    "number": "identifier",
    "registered_as_minor": "identifier",
    "email": "email",
    "valid_until": "valid_until",
    "first_name": "first_name",
    "last_name": "last_name",
    "library": "library",
    "guardian_birth_date": "guardian",
    "guardian_name": "guardian",
    "services": "services",
}


def merged_values(keep: Borrower, other: Borrower, sources: dict[str, int], services) -> dict:
    """The kept account's values: each choice from the account `sources` names."""
    accounts = {keep.pk: keep, other.pk: other}
    values = {}
    for choice, names in MERGE_FIELDS.items():
        source = accounts.get(sources.get(choice), keep)
        for name in names:
            values[name] = getattr(source, name)
    identity_source = accounts.get(sources.get("identifier"), keep)
    values["identifier_display"] = identity_source.display_identifier
    values["protected_identity"] = keep.protected_identity or other.protected_identity
    if values["protected_identity"]:
        values.update(Borrower.PLACE_FIELDS)
    values["services"] = list(services) if services is not None else union_of_services(keep, other)
    validity_source = accounts.get(sources.get("valid_until"), keep)
    values["saved_validity"] = (
        validity_source.valid_until if validity_source.id_kind == values["id_kind"] else None
    )
    return values


def union_of_services(keep: Borrower, other: Borrower) -> list:
    return list(
        apps.get_model("borrowers", "Service")
        .objects.filter(borrowers__in=[keep, other])
        .distinct()
    )


def check_merged(keep: Borrower, other: Borrower, values: dict, *, by) -> None:
    """The merged account against every rule of its kind; ValidationError keyed by
    choice (MERGE_FIELDS, "services", or NON_FIELD_ERRORS) otherwise."""
    from .forms.merge import rules_form

    form = rules_form(
        Borrower.objects.get(pk=keep.pk),
        values,
        pair=(keep.pk, other.pk),
        staff=by,
        saved_validity=values["saved_validity"],
    )
    if form.is_valid():
        return
    errors: dict[str, list] = {}
    for name, field_errors in form.errors.as_data().items():
        choice = FORM_FIELD_CHOICE.get(name, "__all__")
        errors.setdefault(choice, []).extend(field_errors)
    raise ValidationError(errors)


# --- what points at a borrower --------------------------------------------------------


def _repoint(model_label: str, field: str):
    def handle(keep, other, by):
        model = apps.get_model(model_label)
        model._base_manager.filter(**{field: other}).update(**{field: keep})

    return handle


def _reminders(keep, other, by):
    """A reminder already sent for an end date the kept account has stays sent once."""
    sent = ExpiryReminder.objects.filter(borrower=keep).values_list("valid_until", flat=True)
    ExpiryReminder.objects.filter(borrower=other, valid_until__in=list(sent)).delete()
    ExpiryReminder.objects.filter(borrower=other).update(borrower=keep)


def _not_the_same_person(keep, other, by):
    """The other's marks become the kept account's; the pair's own mark goes."""
    marks = NotDuplicate.objects.filter(Q(first=other) | Q(second=other))
    for mark in list(marks):
        third = mark.second_id if mark.first_id == other.pk else mark.first_id
        mark.delete()
        if third == keep.pk:
            continue
        low, high = sorted((keep.pk, third))
        NotDuplicate.objects.get_or_create(
            first_id=low,
            second_id=high,
            defaults={"marked_by": mark.marked_by, "marked_at": mark.marked_at},
        )


def _transfer_requests(keep, other, by):
    """The other's pending request is withdrawn (it asked to move an account that
    goes); its whole history of moves then belongs to the kept account."""
    withdraw_pending_transfers.send(sender=Borrower, borrower=other, by=by, reason="merged")
    _repoint("transfers.TransferRequest", "borrower")(keep, other, by)


def _drop(model_label: str, field: str):
    def handle(keep, other, by):
        apps.get_model(model_label)._base_manager.filter(**{field: other}).delete()

    return handle


def _imported_account(keep, other, by):
    """The record that an account came from the old register: the kept account keeps
    its own; it takes the other's when it has none (invitations go by it)."""
    model = apps.get_model("imports.ImportedAccount")
    if model._base_manager.filter(borrower=keep).exists():
        model._base_manager.filter(borrower=other).delete()
    else:
        model._base_manager.filter(borrower=other).update(borrower=keep)


def _services(keep, other, by):
    """The user groups are chosen (the union by default) and set on the kept account."""


#: Every relation to Borrower, "app_label.model.field" -> how a merge handles it.
RELATIONS = {
    "borrowers.borrower_services.borrower": _services,
    "borrowers.notduplicate.first": _not_the_same_person,
    "borrowers.notduplicate.second": _not_the_same_person,
    "borrowers.expiryreminder.borrower": _reminders,
    "transfers.transferrequest.borrower": _transfer_requests,
    "applications.studentapplication.borrower": _repoint(
        "applications.StudentApplication", "borrower"
    ),
    # A notice about the deleted account's end date: the kept account has its own,
    # which a new end date voids (privacy/retention.py).
    "privacy.deletionnotice.borrower": _drop("privacy.DeletionNotice", "borrower"),
    # Sign-in (OpenID Connect): the other account's codes and tokens stop working,
    # its refresh tokens included; the kept account keeps its own `sub`.
    "signin.grant.user": _drop("signin.Grant", "user"),
    "signin.accesstoken.user": _drop("signin.AccessToken", "user"),
    "signin.refreshtoken.user": _drop("signin.RefreshToken", "user"),
    "signin.idtoken.user": _drop("signin.IDToken", "user"),
    "signin.subject.borrower": _drop("signin.Subject", "borrower"),
    "imports.importedaccount.borrower": _imported_account,
}


def relations_to_borrower() -> list[str]:
    """Every model field pointing at Borrower, as RELATIONS names them."""
    return [
        f"{rel.related_model._meta.label_lower}.{rel.field.name}"
        for rel in Borrower._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)
    ]


def _mail_rows(keep, other, new_email: str) -> None:
    """Mail about the other account is now about the kept one; what was still queued
    for an address that is no longer the login is not sent."""
    for mail in OutgoingMail.objects.filter(context__borrower=other.pk):
        mail.context = {**mail.context, "borrower": keep.pk}
        if mail.status == MailStatus.QUEUED and mail.to.lower() != new_email.lower():
            mail.status = MailStatus.CANCELLED
        mail.save(update_fields=["context", "status"])


# --- the workflow ---------------------------------------------------------------------


def merge(*, keep, other, by, sources: dict[str, int], services=None) -> Borrower:
    """Join `other` into `keep` (accounts or pks): the kept account takes each field
    from the account `sources` names (choice -> pk, MERGE_FIELDS; the kept one's
    when absent) and the user groups `services` (the union when None). Raises
    ValidationError when the result breaks a rule of its kind (nothing written),
    Borrower.DoesNotExist when an account is gone. Returns the kept account."""
    keep_pk, other_pk = getattr(keep, "pk", keep), getattr(other, "pk", other)
    if keep_pk == other_pk:
        raise Borrower.DoesNotExist
    with transaction.atomic():
        locked = Borrower.objects.select_for_update(of=("self",)).filter(pk__in=[keep_pk, other_pk])
        rows = {row.pk: row for row in locked.select_related("library").order_by("pk")}
        if len(rows) != 2:
            raise Borrower.DoesNotExist
        keep, other = rows[keep_pk], rows[other_pk]
        values = merged_values(keep, other, sources, services)
        check_merged(keep, other, values, by=by)

        if values["protected_identity"] and not keep.protected_identity:
            withdraw_pending_transfers.send(
                sender=Borrower, borrower=keep, by=by, reason="protected"
            )
        elif values["library"] != keep.library:
            # A request from the kept account's old library no longer fits.
            withdraw_pending_transfers.send(sender=Borrower, borrower=keep, by=by, reason="merged")
        for name in relations_to_borrower():
            RELATIONS[name](keep, other, by)
        _mail_rows(keep, other, values["email"])

        record(Action.DELETED, actor=by, borrower=other, merged_into=str(keep.code))
        password, last_login = other.password, other.last_login
        other.delete()

        attributes = [name for names in MERGE_FIELDS.values() for name in names]
        before = {name: getattr(keep, name) for name in [*attributes, "protected_identity"]}
        for names in MERGE_FIELDS.values():
            for name in names:
                setattr(keep, name, values[name])
        if values["protected_identity"]:
            keep.clear_place()
        if not keep.has_usable_password() and password and is_password_usable(password):
            keep.password = password
        if last_login and (keep.last_login is None or last_login > keep.last_login):
            keep.last_login = last_login
        keep.save()
        old_services = set(keep.services.values_list("pk", flat=True))
        keep.services.set(values["services"])
        changed = [name for name, value in before.items() if getattr(keep, name) != value]
        if {service.pk for service in values["services"]} != old_services:
            changed.append("services")
        record(Action.MERGED, actor=by, borrower=keep, fields=changed, merged_from=str(other.code))
        queue_mail(
            MailKind.ACCOUNTS_MERGED, to=keep.email, language=keep.language, borrower=keep.pk
        )
    return keep


def merged_codes(code) -> list:
    """The internal codes whose history is this account's: its own and, through the
    MERGED events, those of every account merged into it (and into those)."""
    codes, todo = [code], [code]
    while todo:
        found = [
            detail.get("merged_from")
            for detail in AuditEvent.objects.filter(
                action=Action.MERGED, borrower_code__in=todo
            ).values_list("detail", flat=True)
        ]
        todo = [c for c in found if c and c not in map(str, codes)]
        codes += todo
    return [str(c) for c in codes]
