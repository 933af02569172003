"""The four transfer mails: Swedish, text and HTML, never the identity number."""

import pytest

from notifications.mail import build_context, render_mail
from notifications.models import MailKind, OutgoingMail
from tests.factories import LibraryFactory
from transfers.models import TransferRequest


def rendered(kind, **context):
    mail = OutgoingMail(kind=kind, to="anna@post.example", context=context)
    message = render_mail(kind, to=mail.to, context=build_context(mail))
    return message.subject, message.body, message.alternatives[0].content


@pytest.mark.parametrize(
    ("kind", "decide", "subject", "says"),
    [
        (
            MailKind.TRANSFER_REQUESTED,
            None,
            "Ansökan om att flytta ditt konto till Bibliotek B",
            "finns kvar på Bibliotek A tills Bibliotek B har behandlat ansökan",
        ),
        (
            MailKind.TRANSFER_ACCEPTED,
            "accept",
            "Ditt konto har flyttats till Bibliotek B",
            "har nu flyttats till Bibliotek B",
        ),
        (
            MailKind.TRANSFER_REJECTED,
            "reject",
            "Ditt konto har inte flyttats",
            "Ditt konto finns kvar på Bibliotek A",
        ),
    ],
)
def test_each_decision_mail_says_what_happened_in_swedish(
    transfer, registrar_b, kind, decide, subject, says
):
    if decide:
        getattr(transfer, decide)(by=registrar_b)
    mail_subject, text, html = rendered(kind, transfer=transfer.pk)
    assert mail_subject == subject
    assert says in text and says in html
    assert "Hej Anna," in text
    for body in (text, html):
        assert transfer.borrower.identifier not in body
        assert transfer.borrower.display_identifier not in body


def test_the_pulled_mail_to_the_old_address_names_the_new_one(borrower_a, registrar_b):
    record = TransferRequest.pull(
        borrower_a,
        to_library=registrar_b.library,
        by=registrar_b,
        email="anna.ny@post.example",
        consent=True,
    )
    subject, text, html = rendered(MailKind.TRANSFER_PULLED, transfer=record.pk, old_address=True)
    assert subject == "Ditt konto har flyttats till Bibliotek B"
    assert "flyttats dit från Bibliotek A" in text
    assert "anna.ny@post.example" in text and "anna.ny@post.example" in html
    _, plain_text, _ = rendered(MailKind.TRANSFER_PULLED, transfer=record.pk)
    assert "anna.ny@post.example" not in plain_text
    assert borrower_a.identifier not in text + html + plain_text


def test_the_text_mail_is_not_html_escaped(borrower_a, registrar):
    library = LibraryFactory(name="Bibliotek & Lärcenter")
    transfer = TransferRequest.request(borrower_a, to_library=library, by=registrar)
    subject, text, _ = rendered(MailKind.TRANSFER_REQUESTED, transfer=transfer.pk)
    assert "Bibliotek & Lärcenter" in subject and "Bibliotek & Lärcenter" in text


def test_a_mail_for_a_deleted_borrower_is_not_sent(transfer, borrower_a):
    pk = transfer.pk
    borrower_a.delete()
    mail = OutgoingMail(
        kind=MailKind.TRANSFER_REQUESTED, to="x@post.example", context={"transfer": pk}
    )
    assert build_context(mail) is None
