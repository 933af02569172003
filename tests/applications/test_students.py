"""Student utan svenskt personnummer: the registrar applies, MTM approves (a borrower
with an MTM temporary number) or rejects (the reason mailed); the account then
behaves like any other, and can become the person's personnummer account."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import DecisionRefused, Status, StudentApplication
from audit.models import Action, AuditEvent
from borrowers.identity import Kind, normalise_search_term, parse_personal_number
from borrowers.models import Borrower, IdKind, Service
from borrowers.search import search_borrowers
from notifications.models import MailKind, OutgoingMail
from selfservice.api import borrower_payload
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.django_db

APPLY = reverse("applications:create_student")
LIST = reverse("applications:student_applications")
TEMPORARY = re.compile(r"^19980412T[0-9]{3}$")


def data(**overrides) -> dict:
    end = timezone.localdate() + timedelta(days=200)
    values = {
        "first_name": "Mei",
        "last_name": "Chen",
        "email": "mei.chen@student.example",
        "birth_date": "1998-04-12",
        "home_number": "A-1234",
        "studies_end": f"{end:%Y-%m-%d}",
        "agreement": "on",
    }
    values |= overrides
    return {key: value for key, value in values.items() if value is not None}


@pytest.fixture
def application(library_a, registrar):
    application = StudentApplication.objects.create(
        library=library_a,
        applied_by=registrar,
        first_name="Mei",
        last_name="Chen",
        email="mei.chen@student.example",
        birth_date=date(1998, 4, 12),
        studies_end=timezone.localdate() + timedelta(days=200),
    )
    application.services.set(Service.objects.filter(published=True)[:1])
    return application


# --- the registrar's form and list -------------------------------------------------


def test_the_skapa_menu_offers_the_application(registrar_client):
    page = registrar_client.get(reverse("libraries:my_library")).content.decode()
    assert "Ansök om konto för student utan svenskt personnummer" in page
    assert f'href="{APPLY}"' in page


def test_applying_stores_it_for_mtm_and_shows_it_in_the_list(
    registrar_client, registrar, library_a
):
    service = Service.objects.filter(published=True).first()
    response = registrar_client.post(APPLY, data(services=[service.pk]))
    assert response.status_code == 302 and response["Location"] == LIST
    application = StudentApplication.objects.get()
    assert application.status == Status.PENDING and application.library == library_a
    assert application.applied_by == registrar and application.home_number == "A-1234"
    assert list(application.services.all()) == [service]
    page = registrar_client.get(LIST).content.decode()
    assert "Mei Chen" in page and "Väntar" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "", "Ange studentens födelsedatum."),
        ("birth_date", "2035-01-01", "Födelsedatumet måste vara tidigare än i dag."),
        ("studies_end", "2000-01-01", "Datumet har redan passerat"),
        ("studies_end", "", "Ange när studentens studier i Sverige slutar."),
        ("agreement", None, "Läs igenom avtalstexten"),
        ("email", "", "Ange låntagarens e-postadress."),
    ],
)
def test_every_rule_of_the_form(registrar_client, field, value, message):
    response = registrar_client.post(APPLY, data(**{field: value}))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert 'value="Mei"' in response.content.decode(), "nothing typed is lost"
    assert not StudentApplication.objects.exists()


def test_a_borrowers_e_mail_is_refused(registrar_client, borrower_a):
    response = registrar_client.post(APPLY, data(email=borrower_a.email.upper()))
    assert "email" in response.context["form"].errors


def test_the_home_number_is_optional(registrar_client):
    assert registrar_client.post(APPLY, data(home_number=None)).status_code == 302


def test_the_list_shows_only_ones_own_librarys(client, application, registrar_b, branch_a):
    client.force_login(registrar_b)
    assert "Mei Chen" not in client.get(LIST).content.decode()


# --- MTM decides ---------------------------------------------------------------------


def test_approval_creates_the_borrower_with_a_temporary_number(
    application, mtm_staff, registrar, mailoutbox
):
    borrower = application.approve(by=mtm_staff)

    assert borrower.id_kind == IdKind.TEMPORARY and TEMPORARY.match(borrower.identifier)
    assert borrower.birth_date == date(1998, 4, 12)
    assert borrower.valid_until == application.studies_end
    assert borrower.library == application.library
    assert list(borrower.services.all()) == list(application.services.all())
    assert borrower.display_identifier == f"{borrower.identifier[:8]}-{borrower.identifier[8:]}"
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.borrower == borrower
    event = AuditEvent.objects.get(borrower_code=borrower.code, action=Action.CREATED)
    assert event.detail == {"via": "student_application"}
    kinds = {mail.kind: mail.to for mail in OutgoingMail.objects.all()}
    assert kinds == {
        MailKind.BORROWER_CREDENTIALS: "mei.chen@student.example",
        MailKind.STUDENT_APPLICATION_APPROVED: registrar.email,
    }
    to_registrar = next(m for m in mailoutbox if m.to == [registrar.email])
    assert "Mei Chen" in to_registrar.body and borrower.identifier not in to_registrar.body


def test_a_temporary_number_can_never_be_a_personal_number(application, mtm_staff):
    borrower = application.approve(by=mtm_staff)
    assert normalise_search_term(borrower.identifier, today=timezone.localdate()).kind is (
        Kind.TEMPORARY
    )
    with pytest.raises(ValueError):
        parse_personal_number(borrower.identifier, today=timezone.localdate())


def test_numbers_are_unique_per_birth_date(library_a, registrar, mtm_staff):
    numbers = set()
    for n in range(5):
        application = StudentApplication.objects.create(
            library=library_a,
            applied_by=registrar,
            first_name="Stud",
            last_name=f"Ent{n}",
            email=f"s{n}@student.example",
            birth_date=date(1998, 4, 12),
            studies_end=timezone.localdate() + timedelta(days=30),
        )
        numbers.add(application.approve(by=mtm_staff).identifier)
    assert len(numbers) == 5


def test_a_past_end_of_studies_is_refused(application, mtm_staff):
    StudentApplication.objects.filter(pk=application.pk).update(
        studies_end=timezone.localdate() - timedelta(days=1)
    )
    application.refresh_from_db()
    with pytest.raises(DecisionRefused):
        application.approve(by=mtm_staff)
    with pytest.raises(DecisionRefused):
        application.approve(by=mtm_staff, valid_until=timezone.localdate() + timedelta(days=999))
    assert not Borrower.objects.exists()


def test_an_e_mail_taken_meanwhile_refuses_approval_and_changes_nothing(
    application, mtm_staff, library_b
):
    BorrowerFactory(library=library_b, email="MEI.CHEN@student.example")
    with pytest.raises(DecisionRefused):
        application.approve(by=mtm_staff)
    application.refresh_from_db()
    assert application.status == Status.PENDING


def test_rejection_needs_a_reason_and_mails_it_to_the_registrar(
    application, mtm_staff, registrar, mailoutbox
):
    with pytest.raises(DecisionRefused):
        application.reject(by=mtm_staff, reason="  ")
    application.reject(by=mtm_staff, reason="Studierna är för korta.")
    [mail] = mailoutbox
    assert mail.to == [registrar.email] and "Studierna är för korta." in mail.body
    with pytest.raises(DecisionRefused):
        application.approve(by=mtm_staff)


def test_the_admin_decision_page_approves(client, mtm_staff, application):
    client.force_login(mtm_staff)
    url = reverse("admin:applications_studentapplication_decide", args=[application.pk])
    page = client.get(url).content.decode()
    assert "1998-04-12" in page and "Mei Chen" in page
    response = client.post(url, {"reject": "1", "reason": ""})
    assert response.status_code == 200 and StudentApplication.objects.get().is_pending
    client.post(url, {"approve": "1"})
    assert Borrower.objects.filter(id_kind=IdKind.TEMPORARY).count() == 1


# --- the account afterwards ---------------------------------------------------------


def test_the_student_is_an_adult_with_names_at_the_applying_library(
    application, mtm_staff, registrar_client
):
    borrower = application.approve(by=mtm_staff)
    borrower.refresh_from_db()
    assert (borrower.first_name, borrower.last_name) == ("Mei", "Chen")
    assert borrower.library == application.library and not borrower.protected_identity
    page = registrar_client.get(reverse("borrowers:detail", args=[borrower.code])).content.decode()
    assert "Vuxen, tillfälligt nummer från MTM" in page
    assert "registrerad som under 18" not in page


def test_found_by_the_number_in_any_writing_and_shown_on_the_page(
    application, mtm_staff, registrar_client
):
    borrower = application.approve(by=mtm_staff)
    scoped = Borrower.objects.all()
    today = timezone.localdate()
    for text in (borrower.identifier, borrower.display_identifier, borrower.identifier.lower()):
        assert list(search_borrowers(scoped, text, today=today).results) == [borrower]
    page = registrar_client.get(reverse("borrowers:detail", args=[borrower.code])).content
    assert borrower.display_identifier in page.decode()
    assert "tillfälligt nummer från mtm" in page.decode().lower()


def test_the_api_tells_the_kind(application, mtm_staff):
    borrower = application.approve(by=mtm_staff)
    assert borrower_payload(borrower)["kind"] == "tillfalligt"


def test_the_end_of_studies_cannot_be_emptied(application, mtm_staff, registrar_client):
    # A temporary number's account always ends: emptying the date is a form error
    # with the reason, never the database's refusal (a 500).
    borrower = application.approve(by=mtm_staff)
    edit = reverse("borrowers:edit", args=[borrower.code])
    data = {
        "first_name": "Mei",
        "last_name": "Chen",
        "email": borrower.email,
        "identifier": borrower.display_identifier,
        "valid_until": "",
    }
    response = registrar_client.post(edit, data)
    [error] = response.context["form"].errors.as_data()["valid_until"]
    assert error.code == "required_for_temporary"
    assert error.messages == [
        "Ange till och med vilket datum kontot gäller: högst till studiernas slut."
    ]


def test_edited_into_the_persons_personnummer(application, mtm_staff, registrar_client):
    borrower = application.approve(by=mtm_staff)
    edit = reverse("borrowers:edit", args=[borrower.code])
    base = {
        "first_name": "Mei",
        "last_name": "Chen",
        "email": borrower.email,
        "valid_until": f"{borrower.valid_until:%Y-%m-%d}",
    }
    # Unchanged number: the edit saves.
    response = registrar_client.post(edit, {**base, "identifier": borrower.display_identifier})
    assert response.status_code == 302
    # Another birth date: refused.
    response = registrar_client.post(edit, {**base, "identifier": "19900101-2385"})
    assert "identifier" in response.context["form"].errors
    # The same birth date: the account becomes a personnummer account.
    response = registrar_client.post(edit, {**base, "identifier": "19980412-2399"})
    assert response.status_code == 302
    borrower.refresh_from_db()
    assert borrower.id_kind == IdKind.PERSONNUMMER and borrower.identifier == "199804122399"


def test_mtm_edits_the_account_in_the_admin(application, mtm_staff, client):
    borrower = application.approve(by=mtm_staff)
    client.force_login(mtm_staff)
    url = reverse("admin:borrowers_borrower_change", args=[borrower.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    data |= {
        "identifier": borrower.display_identifier,
        "valid_until": f"{borrower.valid_until:%Y-%m-%d}",
        "first_name": "Meiling",
        "services": [s.pk for s in borrower.services.all()],
    }
    data.pop("guardian_birth_date", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    borrower.refresh_from_db()
    assert borrower.first_name == "Meiling" and borrower.id_kind == IdKind.TEMPORARY


def test_the_students_language_goes_with_the_application_to_the_account(
    registrar_client, mtm_staff, mailoutbox
):
    page = registrar_client.get(APPLY).content.decode()
    assert 'name="language"' in page and "Avtalstext på English" in page
    registrar_client.post(APPLY, data(language="en"))
    application = StudentApplication.objects.get()
    assert application.language == "en"
    borrower = application.approve(by=mtm_staff)
    assert borrower.language == "en"
    assert borrower.agreement_text.language == "en"
    credentials = [m for m in mailoutbox if m.to == [borrower.email]]
    assert credentials[0].subject == "Your account for Legimus: choose your password"
