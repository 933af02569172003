"""Every mail kind renders with sample data: subject, text and HTML, in Swedish,
with no template left unfilled and never an identity number.

A new MailKind fails here until it gets a sample below (the stored context that
queue_mail would keep for it)."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from applications.models import AccountApplication, BranchApplication, StudentApplication
from audit.log import keyed_hash
from audit.models import LookupDoor, LookupMatch, ProtectedLookupAlert
from borrowers.models import Borrower
from libraries.models import Municipality
from notifications.mail import build_context, render_mail
from notifications.models import MailKind, OutgoingMail
from tests.factories import BorrowerFactory, StaffFactory
from transfers.models import TransferRequest


@pytest.fixture
def samples(library_a, library_b, registrar, head_admin, registrar_b):
    """kind -> (recipient, stored context), built from real rows as the workflows do."""
    borrower = BorrowerFactory(library=library_a, first_name="Anna", email="anna@post.example")
    expiring = BorrowerFactory(
        library=library_a,
        samordningsnummer=True,
        email="sam@post.example",
        valid_until=timezone.localdate() + timedelta(days=10),
    )
    requested = TransferRequest.request(borrower, to_library=library_b, by=registrar)
    accepted_for = BorrowerFactory(library=library_a, email="acc@post.example")
    accepted = TransferRequest.request(accepted_for, to_library=library_b, by=registrar)
    accepted.accept(by=registrar_b)
    rejected_for = BorrowerFactory(library=library_a, email="rej@post.example")
    rejected = TransferRequest.request(rejected_for, to_library=library_b, by=registrar)
    rejected.reject(by=registrar_b)
    pulled_for = BorrowerFactory(library=library_a, email="pull@post.example")
    pulled = TransferRequest.pull(
        pulled_for, to_library=library_b, by=registrar_b, email=pulled_for.email, consent=True
    )
    new_staff = StaffFactory(library=library_a, email="ny.registrerare@bibliotek.example")
    mtm = StaffFactory(email="mats@mtm.example", library=None, role="", is_staff=True)
    mtm.groups.add(Group.objects.get(name="MTM-personal"))
    account = AccountApplication.objects.create(
        first_name="Alva",
        last_name="Ansökare",
        email="alva@a.example",
        phone="08-123 45 67",
        library=library_a,
        role="registrerare",
        works_at_library=True,
        course_taken=True,
    )
    branch = BranchApplication.objects.create(
        library=library_a,
        applied_by=head_admin,
        name="Bibliotek A – Östra filialen",
        street_address="Storgatan 1",
        postal_code="123 45",
        city="Stockholm",
        municipality=Municipality.objects.get(name="Stockholm"),
    )
    student = StudentApplication.objects.create(
        library=library_a,
        applied_by=registrar,
        first_name="Mei",
        last_name="Chen",
        email="mei@student.example",
        birth_date=date(1998, 4, 12),
        studies_end=timezone.localdate() + timedelta(days=100),
    )
    rejected_student = StudentApplication.objects.create(
        library=library_a,
        applied_by=registrar,
        first_name="Li",
        last_name="Wang",
        email="li@student.example",
        birth_date=date(1999, 1, 2),
        studies_end=timezone.localdate() + timedelta(days=100),
    )
    student.approve(by=mtm)
    rejected_student.reject(by=mtm, reason="Studierna är för korta.")
    alert = ProtectedLookupAlert.objects.create(
        staff=registrar,
        library=registrar.library,
        door=LookupDoor.CREATE_ADULT,
        matched=LookupMatch.IDENTITY_NUMBER,
    )
    invited_staff = StaffFactory(library=library_a, email="inbjuden@bibliotek.example")
    invited_staff.set_unusable_password()
    invited_staff.save(update_fields=["password"])
    return {
        MailKind.PROTECTED_LOOKUP: ("sakerhet@mtm.example", {"alert": alert.pk}),
        MailKind.STUDENT_APPLICATION_APPROVED: (registrar.email, {"application": student.pk}),
        MailKind.STUDENT_APPLICATION_REJECTED: (
            registrar.email,
            {"application": rejected_student.pk},
        ),
        MailKind.STAFF_PASSWORD_RESET: (registrar.email, {"user": registrar.pk}),
        MailKind.STAFF_WELCOME: (new_staff.email, {"user": new_staff.pk}),
        MailKind.STAFF_PASSWORD_CHANGED: (registrar.email, {"user": registrar.pk}),
        MailKind.BORROWER_PASSWORD_CHANGED: (borrower.email, {"borrower": borrower.pk}),
        MailKind.BORROWER_CREDENTIALS: (borrower.email, {"borrower": borrower.pk}),
        MailKind.IMPORT_INVITATION: (borrower.email, {"borrower": borrower.pk}),
        MailKind.STAFF_IMPORT_INVITATION: (invited_staff.email, {"user": invited_staff.pk}),
        MailKind.BORROWER_PASSWORD_RESET: (
            borrower.email,
            {"borrower": borrower.pk, "email_hash": keyed_hash(borrower.email.lower())},
        ),
        MailKind.EXPIRY_REMINDER: (
            expiring.email,
            {"borrower": expiring.pk, "valid_until": expiring.valid_until.isoformat()},
        ),
        MailKind.ACCOUNT_NOW_YOURS: (borrower.email, {"borrower": borrower.pk}),
        MailKind.LMA_REPLACED: (borrower.email, {"borrower": borrower.pk, "link": True}),
        MailKind.ACCOUNTS_MERGED: (borrower.email, {"borrower": borrower.pk}),
        MailKind.TRANSFER_REQUESTED: (borrower.email, {"transfer": requested.pk}),
        MailKind.TRANSFER_ACCEPTED: (accepted_for.email, {"transfer": accepted.pk}),
        MailKind.TRANSFER_REJECTED: (rejected_for.email, {"transfer": rejected.pk}),
        MailKind.TRANSFER_PULLED: (pulled_for.email, {"transfer": pulled.pk}),
        MailKind.ACCOUNT_APPLICATION_REJECTED: (account.email, {"application": account.pk}),
        MailKind.BRANCH_APPLICATION_APPROVED: (head_admin.email, {"application": branch.pk}),
        MailKind.BRANCH_APPLICATION_REJECTED: (head_admin.email, {"application": branch.pk}),
    }


@pytest.mark.parametrize("kind", MailKind.values)
def test_every_mail_kind_renders_with_sample_data(samples, kind):
    assert kind in samples, f"add a sample for the mail kind {kind!r}"
    to, stored = samples[kind]
    context = build_context(OutgoingMail(kind=kind, to=to, context=stored))
    assert context is not None, "the sample is a mail that would be sent"
    message = render_mail(kind, to=to, context=context)
    html = message.alternatives[0].content
    assert message.subject.strip() and message.body.strip() and html.strip()
    for part in (message.subject, message.body, html):
        assert "{{" not in part and "{%" not in part and "None" not in part
    assert any(letter in message.body for letter in "åäöÅÄÖ"), "the text is Swedish"
    assert '<html lang="sv"' in html or 'lang="sv"' in html
    identifiers = Borrower.objects.values_list("identifier", flat=True)
    assert not [number for number in identifiers if number in message.body + html]
