"""Every borrower mail in the borrower's language, subject too, with a Content-Language
header; staff mail in Swedish. A new borrower mail kind fails here until it reads
well in every language of settings.LANGUAGES."""

import pytest
from django.conf import settings
from django.core import mail as outbox

from borrowers.models import Borrower
from libraries.models import Library
from notifications.mail import build_context, queue_mail, render_mail
from notifications.models import BORROWER_KINDS, STAFF_KINDS, MailKind, OutgoingMail
from tests.factories import BorrowerFactory
from tests.languages import english_in, swedish_in
from tests.notifications.test_every_mail_kind import samples  # noqa: F401 (a fixture)

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def data_values() -> list[str]:
    """Names in the sample data, which stay as they are in any language."""
    names = list(Library.objects.values_list("name", flat=True))
    for first, last in Borrower.objects.values_list("first_name", "last_name"):
        names += [first, last]
    return [*names, "Legimus", "MTM", "LMA"]


def rendered(kind, language, sample):
    to, stored = sample
    context = build_context(OutgoingMail(kind=kind, to=to, context=stored, language=language))
    assert context is not None
    return render_mail(kind, to=to, context=context, language=language)


def test_every_mail_kind_is_for_staff_or_for_a_borrower():
    assert set(MailKind) == STAFF_KINDS | BORROWER_KINDS
    assert not STAFF_KINDS & BORROWER_KINDS


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(BORROWER_KINDS))
def test_every_borrower_mail_reads_in_every_language(samples, kind, language):  # noqa: F811
    message = rendered(kind, language, samples[kind])
    html = message.alternatives[0].content
    assert message.extra_headers["Content-Language"] == language
    assert f'lang="{language}"' in html
    data = data_values()
    for part in (message.subject, message.body, html):
        if language == "sv":
            assert not english_in(part, data=data), (kind, part)
        else:
            assert not swedish_in(part, data=data), (kind, part)


def test_english_and_swedish_subjects_differ(samples):  # noqa: F811
    for kind in BORROWER_KINDS:
        swedish = rendered(kind, "sv", samples[kind]).subject
        english = rendered(kind, "en", samples[kind]).subject
        assert swedish != english, kind


@pytest.mark.parametrize("kind", sorted(STAFF_KINDS))
def test_staff_mail_is_swedish_whatever_is_asked(samples, kind):  # noqa: F811
    to, stored = samples[kind]
    queue_mail(kind, to=to, **stored)
    sent = outbox.outbox[-1]
    assert sent.extra_headers["Content-Language"] == "sv"
    assert any(letter in sent.body for letter in "åäö")


def test_the_language_is_decided_when_queued_and_the_worker_renders_it(library_a):
    borrower = BorrowerFactory(library=library_a, email="eng@post.example", language="en")
    borrower.send_credentials(by=None)
    queued = OutgoingMail.objects.get(kind=MailKind.BORROWER_CREDENTIALS, to=borrower.email)
    assert queued.language == "en"
    sent = outbox.outbox[-1]
    assert sent.subject == "Your account for Legimus: choose your password"
    assert sent.extra_headers["Content-Language"] == "en"
    # The borrower switches to Swedish: the next mail is Swedish.
    borrower.change_language("sv", by=borrower)
    borrower.send_credentials(by=None)
    assert outbox.outbox[-1].extra_headers["Content-Language"] == "sv"
    assert outbox.outbox[-1].subject == "Ditt konto till Legimus: välj ditt lösenord"


def test_a_language_no_longer_offered_falls_back_to_swedish(library_a):
    borrower = BorrowerFactory(library=library_a, email="x@post.example")
    mail = queue_mail(
        MailKind.BORROWER_CREDENTIALS, to=borrower.email, language="xx", borrower=borrower.pk
    )
    assert mail.language == "sv"
