"""flytta användaren: a registrar moves a borrower of another library to their own.

The page shows a borrower outside the registrar's scope, so it opens only for a
borrower whose identifier the registrar typed into a create form."""

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from notifications.models import MailKind, OutgoingMail
from tests.factories import BorrowerFactory, LibraryFactory
from transfers.models import Status, TransferRequest
from transfers.pull import SESSION_KEY


def type_identifier(client, borrower, form="borrowers:create_adult"):
    """What the registrar does: enter the identifier in a create form."""
    return client.post(reverse(form), {"identifier": borrower.identifier})


def pull_url(borrower):
    return reverse("transfers:pull", args=[borrower.code])


def test_the_create_form_links_to_the_pull_page_for_a_borrower_elsewhere(client_b, borrower_a):
    html = type_identifier(client_b, borrower_a).content.decode()
    assert f'<a href="{pull_url(borrower_a)}">flytta användaren</a>' in html
    assert str(borrower_a.code) in client_b.session[SESSION_KEY]


def test_the_pull_page_is_not_found_for_a_code_the_registrar_did_not_type(client_b, borrower_a):
    # SECURITY: the code alone (guessed, or copied from elsewhere) shows nothing.
    assert client_b.get(pull_url(borrower_a)).status_code == 404
    assert client_b.post(pull_url(borrower_a), {"consent": "on"}).status_code == 404
    assert not TransferRequest.objects.exists()


def test_the_permission_is_per_session(client_b, client, registrar_b, borrower_a):
    type_identifier(client_b, borrower_a)
    client.force_login(registrar_b)  # another session of the same registrar
    assert client.get(pull_url(borrower_a)).status_code == 404


def test_the_pull_page_shows_name_email_target_and_date_but_never_the_identifier(
    client_b, borrower_a
):
    type_identifier(client_b, borrower_a)
    response = client_b.get(pull_url(borrower_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Byt bibliotek</h1>" in html
    assert "Anna Andersson" in html and borrower_a.email in html and "Bibliotek B" in html
    assert "Datum för ansökan" in html
    assert "Användaren har godkänt flytten" in html
    assert borrower_a.identifier not in html and borrower_a.display_identifier not in html
    assert f'href="{reverse("borrowers:create_adult")}"' in html  # Ångra goes back
    assert ">Ångra</a>" in html


def test_bekrafta_without_consent_is_a_specific_error(client_b, borrower_a, library_a):
    type_identifier(client_b, borrower_a)
    html = client_b.post(pull_url(borrower_a), {"email": borrower_a.email}).content.decode()
    assert "<title>Fel: " in html
    assert "Kryssa i rutan för att bekräfta att låntagaren har godkänt flytten." in html
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_a


def test_bekrafta_moves_the_borrower_at_once(
    client_b, borrower_a, transfer, library_b, registrar_b, mailoutbox
):
    type_identifier(client_b, borrower_a)
    response = client_b.post(
        pull_url(borrower_a), {"email": borrower_a.email, "consent": "on"}, follow=True
    )
    assert response.redirect_chain[0][0] == reverse("borrowers:detail", args=[borrower_a.code])
    assert "Anna Andersson har flyttats till Bibliotek B" in response.content.decode()
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_b
    transfer.refresh_from_db()
    assert transfer.status == Status.CANCELLED  # the pending request to B is withdrawn
    pulled = TransferRequest.objects.get(pulled=True)
    assert pulled.decided_by == registrar_b
    assert OutgoingMail.objects.filter(kind=MailKind.TRANSFER_PULLED).count() == 1
    assert AuditEvent.objects.filter(action=Action.TRANSFER_PULLED).count() == 1
    # the permission is used up
    assert str(borrower_a.code) not in client_b.session.get(SESSION_KEY, {})


def test_the_email_may_be_changed(client_b, borrower_a):
    type_identifier(client_b, borrower_a)
    client_b.post(pull_url(borrower_a), {"email": "anna.ny@post.example", "consent": "on"})
    borrower_a.refresh_from_db()
    assert borrower_a.email == "anna.ny@post.example"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Ange låntagarens e-postadress."),
        ("inte-en-adress", "Skriv e-postadressen i formatet namn@exempel.se."),
        ("SUNE@b.example", "Det här är din egen e-postadress."),
    ],
)
def test_the_email_is_checked(client_b, borrower_a, email, message):
    type_identifier(client_b, borrower_a)
    html = client_b.post(pull_url(borrower_a), {"email": email, "consent": "on"}).content.decode()
    assert message in html
    assert f'value="{email}"' in html or not email  # what was typed stays


def test_an_email_of_another_account_is_a_form_error(client_b, borrower_a, library_a):
    other = BorrowerFactory(library=library_a, email="upptagen@post.example")
    type_identifier(client_b, borrower_a)
    html = client_b.post(
        pull_url(borrower_a), {"email": other.email.upper(), "consent": "on"}
    ).content.decode()
    assert "En annan låntagare har redan den här e-postadressen." in html
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_a


def test_with_branches_the_registrar_chooses_among_their_own_libraries(
    client_a, borrower_b, branch_a, library_c
):
    type_identifier(client_a, borrower_b)
    html = client_a.get(pull_url(borrower_b)).content.decode()
    assert '<select name="library"' in html and branch_a.name in html
    assert library_c.name not in html
    # another library's id is refused by the choice itself
    html = client_a.post(
        pull_url(borrower_b), {"library": library_c.pk, "email": borrower_b.email, "consent": "on"}
    ).content.decode()
    assert "Välj ett av dina egna bibliotek." in html
    client_a.post(
        pull_url(borrower_b), {"library": branch_a.pk, "email": borrower_b.email, "consent": "on"}
    )
    borrower_b.refresh_from_db()
    assert borrower_b.library == branch_a


def test_a_borrower_of_ones_own_library_gets_no_pull_page(client_a, borrower_a):
    html = type_identifier(client_a, borrower_a).content.decode()
    assert pull_url(borrower_a) not in html
    session = client_a.session
    session[SESSION_KEY] = {str(borrower_a.code): "/"}
    session.save()
    assert client_a.get(pull_url(borrower_a)).status_code == 404


def test_a_protected_identity_never_gets_a_pull_page(client_b):
    hidden = BorrowerFactory(protected=True)
    html = type_identifier(client_b, hidden).content.decode()
    assert pull_url(hidden) not in html
    assert str(hidden.code) not in client_b.session.get(SESSION_KEY, {})
    session = client_b.session
    session[SESSION_KEY] = {str(hidden.code): "/"}
    session.save()
    assert client_b.get(pull_url(hidden)).status_code == 404


def test_the_session_remembers_only_a_few_candidates(client_b, library_a):
    people = [BorrowerFactory(library=library_a) for _ in range(12)]
    for person in people:
        type_identifier(client_b, person)
    remembered = client_b.session[SESSION_KEY]
    assert len(remembered) == 10 and str(people[-1].code) in remembered


def test_the_pull_page_for_a_borrower_at_a_branch_of_another_library(client_b, library_a):
    elsewhere = BorrowerFactory(library=LibraryFactory(parent=library_a))
    type_identifier(client_b, elsewhere)
    assert client_b.get(pull_url(elsewhere)).status_code == 200


def test_the_pull_page_sets_the_borrowers_language_and_the_mail_follows(
    client_b, borrower_a, mailoutbox
):
    type_identifier(client_b, borrower_a)
    page = client_b.get(pull_url(borrower_a)).content.decode()
    assert 'name="language"' in page
    client_b.post(
        pull_url(borrower_a), {"email": borrower_a.email, "language": "en", "consent": "on"}
    )
    borrower_a.refresh_from_db()
    assert borrower_a.language == "en"
    pulled = OutgoingMail.objects.get(kind=MailKind.TRANSFER_PULLED)
    assert pulled.language == "en"
    assert mailoutbox[-1].extra_headers["Content-Language"] == "en"
    event = AuditEvent.objects.get(action=Action.TRANSFER_PULLED)
    assert event.fields == ["language", "library"]
