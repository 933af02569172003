"""The create pages: what is saved, what is audited and mailed, what the registrar sees."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from audit.models import Action, AuditEvent
from borrowers import models as borrower_models
from borrowers.models import AlreadyRegistered, Borrower, BorrowerManager
from notifications.models import MailKind, OutgoingMail
from tests.factories import BorrowerFactory, LibraryFactory

from .conftest import ADULT, LMA, MINOR, SAMORDNINGSNUMMER, create_url, valid_data

KINDS = ["adult", "minor", "lma_adult", "lma_minor"]
TITLES = {
    "adult": "Skapa vuxen låntagare",
    "minor": "Skapa låntagare under 18 år",
    "lma_adult": "Skapa vuxen låntagare med LMA-kort",
    "lma_minor": "Skapa låntagare under 18 år med LMA-kort",
}


def html(response) -> str:
    return response.content.decode()


# --- the Skapa menu and the pages --------------------------------------------


def test_my_library_has_the_skapa_menu_with_the_four_forms(registrar_client):
    page = html(registrar_client.get(reverse("libraries:my_library")))
    assert "<h2>Skapa</h2>" in page
    for kind in KINDS:
        assert f'<a href="{create_url(kind)}">{TITLES[kind]}</a>' in page


@pytest.mark.parametrize("kind", KINDS)
def test_each_create_page_marks_itself_in_the_menu(kind, registrar_client):
    response = registrar_client.get(create_url(kind))
    assert response.status_code == 200
    page = html(response)
    assert f'<a href="{create_url(kind)}" aria-current="page">{TITLES[kind]}</a>' in page
    assert f"<h1>{TITLES[kind]}</h1>" in page
    assert "Vem får du registrera?" in page and "förvaltare" in page
    assert 'type="checkbox" name="send_credentials"' in page and "checked" in page


def test_create_pages_are_for_registrars_only(client, mediator):
    client.force_login(mediator)
    assert client.get(create_url("adult")).status_code == 403
    client.logout()
    response = client.get(create_url("adult"))
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]


def test_agreement_text_page_shows_the_current_text(registrar_client):
    from borrowers.models import AgreementText

    AgreementText.objects.all().delete()  # the migration's text
    AgreementText.objects.create(text="Nya låneregler från MTM.")
    page = html(registrar_client.get(reverse("borrowers:agreement")))
    assert "<h1>Avtalstext</h1>" in page and "Nya låneregler från MTM." in page


# --- saving ------------------------------------------------------------------


def test_saving_an_adult_records_everything_and_opens_the_borrower(
    registrar_client, registrar, library_a, published, mailoutbox
):
    data = valid_data("adult", services=[str(published[0].pk), str(published[2].pk)])
    response = registrar_client.post(create_url("adult"), data)
    borrower = Borrower.objects.get(identifier=ADULT)
    assert response.status_code == 302
    assert response["Location"] == reverse("borrowers:detail", args=[borrower.code])
    assert borrower.id_kind == "personnummer" and str(borrower.birth_date) == "1985-01-13"
    assert (borrower.first_name, borrower.last_name) == ("Nora", "Ny")
    assert borrower.email == "nora.ny@post.example"
    assert borrower.library == library_a and borrower.valid_until is None
    assert not borrower.registered_as_minor and not borrower.protected_identity
    assert set(borrower.services.all()) == {published[0], published[2]}
    assert borrower.agreement_accepted_at and borrower.agreement_accepted_by == registrar
    assert borrower.created_by == registrar
    assert borrower.credentials_sent_at is not None
    assert not borrower.has_usable_password()
    events = AuditEvent.objects.filter(borrower_code=borrower.code)
    assert sorted(events.values_list("action", flat=True)) == [
        Action.CREATED,
        Action.CREDENTIALS_SENT,
    ]
    assert {e.actor for e in events} == {registrar}
    mail = OutgoingMail.objects.get()
    assert mail.kind == MailKind.BORROWER_CREDENTIALS and mail.to == borrower.email
    assert mail.context == {"borrower": borrower.pk}
    assert [m.to for m in mailoutbox] == [[borrower.email]]


def test_saving_a_minor_keeps_the_guardian_and_the_minor_flag(registrar_client):
    registrar_client.post(create_url("minor"), valid_data("minor"))
    borrower = Borrower.objects.get(identifier=MINOR)
    assert borrower.registered_as_minor
    assert str(borrower.guardian_birth_date) == "1980-05-17"
    assert borrower.guardian_name == ""


def test_saving_a_samordningsnummer_keeps_its_validity(registrar_client):
    data = valid_data("adult", identifier=SAMORDNINGSNUMMER, valid_until="2026-12-31")
    registrar_client.post(create_url("adult"), data)
    borrower = Borrower.objects.get(identifier=SAMORDNINGSNUMMER)
    assert borrower.id_kind == "samordningsnummer" and str(borrower.valid_until) == "2026-12-31"


def test_an_lma_account_expires_with_the_card(registrar_client):
    registrar_client.post(create_url("lma_adult"), valid_data("lma_adult"))
    borrower = Borrower.objects.get(identifier=LMA)
    assert borrower.id_kind == "lma" and borrower.birth_date is None
    assert str(borrower.valid_until) == "2026-09-30"
    assert not borrower.registered_as_minor


def test_an_lma_minor_keeps_the_guardians_name(registrar_client):
    registrar_client.post(create_url("lma_minor"), valid_data("lma_minor"))
    borrower = Borrower.objects.get(identifier=LMA)
    assert borrower.registered_as_minor
    assert borrower.guardian_name == "Vera Vårdnadshavare"
    assert str(borrower.guardian_birth_date) == "1980-05-17"


def test_without_credentials_no_mail_and_the_registrar_is_told(registrar_client, mailoutbox):
    data = valid_data("adult", send_credentials=None)
    response = registrar_client.post(create_url("adult"), data, follow=True)
    borrower = Borrower.objects.get(identifier=ADULT)
    assert borrower.credentials_sent_at is None and not borrower.has_usable_password()
    assert not OutgoingMail.objects.exists() and mailoutbox == []
    assert not AuditEvent.objects.filter(action=Action.CREDENTIALS_SENT).exists()
    assert "Kontot har inget lösenord ännu" in html(response)


def test_a_failed_submit_keeps_what_was_typed(registrar_client, published):
    data = valid_data("adult", email="inte-en-adress", services=[str(published[1].pk)])
    response = registrar_client.post(create_url("adult"), data)
    page = html(response)
    assert response.status_code == 200 and not Borrower.objects.exists()
    assert "<title>Fel: " in page and 'id="error-summary"' in page
    assert 'value="19850113-9995"' in page and 'value="Nora"' in page
    assert 'value="inte-en-adress"' in page
    assert f'value="{published[1].pk}" class="form-check-input" id="id_services_1" checked' in page


def test_a_failed_save_writes_nothing(registrar, monkeypatch):
    from borrowers.identity import parse_personal_number

    def broken(*args, **kwargs):
        raise RuntimeError("the mail queue is broken")

    monkeypatch.setattr(borrower_models, "queue_mail", broken)
    with pytest.raises(RuntimeError):
        Borrower.objects.register(
            by=registrar,
            identity=parse_personal_number(ADULT, today=borrower_models.timezone.localdate()),
            email="nora@post.example",
            valid_until=None,
            library=registrar.library,
            first_name="Nora",
            last_name="Ny",
        )
    assert not Borrower.objects.exists() and not AuditEvent.objects.exists()


# --- existing people ---------------------------------------------------------


def test_a_person_at_own_library_is_linked(registrar_client, library_a):
    existing = BorrowerFactory(library=library_a, identifier=ADULT, first_name="Åsa")
    page = html(registrar_client.post(create_url("adult"), valid_data("adult")))
    assert f'href="{reverse("borrowers:detail", args=[existing.code])}"' in page
    assert "Personen är redan registrerad hos Bibliotek A." in page
    assert Borrower.objects.count() == 1


def test_a_person_at_another_library_gets_the_red_notice(registrar_client, library_b):
    existing = BorrowerFactory(library=library_b, identifier=ADULT)
    page = html(registrar_client.post(create_url("adult"), valid_data("adult")))
    assert '<div class="notice-danger">' in page
    assert "Användaren finns redan hos Bibliotek B." in page
    assert reverse("borrowers:detail", args=[existing.code]) not in page


def test_a_protected_person_is_never_revealed(registrar_client):
    BorrowerFactory(protected=True, identifier=ADULT, email="nora.ny@post.example")
    page = html(registrar_client.post(create_url("adult"), valid_data("adult")))
    assert "Personen kan inte registreras här. Kontakta MTM" in page
    assert "notice-danger" not in page and "finns redan" not in page
    assert "redan registrerad" not in page and "Skyddad identitet</label>" in page
    assert "skyddad identitet" not in page.split("<form")[0].lower()


@pytest.mark.parametrize("where", ["other", "own"])
def test_two_registrars_saving_the_same_person_get_a_notice_not_an_error(
    where, registrar_client, library_a, library_b, monkeypatch
):
    """The other registrar's row arrives after this form was validated."""
    library = library_b if where == "other" else library_a
    real = BorrowerManager.register

    def racing(manager, **kwargs):
        BorrowerFactory(library=library, identifier=ADULT)
        return real(manager, **kwargs)

    monkeypatch.setattr(BorrowerManager, "register", racing)
    response = registrar_client.post(create_url("adult"), valid_data("adult"))
    assert response.status_code == 200
    page = html(response)
    expected = (
        "Användaren finns redan hos Bibliotek B."
        if where == "other"
        else "Personen är redan registrerad hos Bibliotek A."
    )
    assert expected in page
    assert Borrower.objects.filter(identifier=ADULT).count() == 1
    # Nothing registered: the only events are the form's lookups (searches).
    assert not AuditEvent.objects.exclude(action=Action.SEARCHED).exists()
    assert not OutgoingMail.objects.exists()


def test_a_race_on_the_email_is_an_error_not_a_crash(registrar_client, library_b, monkeypatch):
    real = BorrowerManager.register

    def racing(manager, **kwargs):
        BorrowerFactory(library=library_b, email="NORA.NY@post.example")
        return real(manager, **kwargs)

    monkeypatch.setattr(BorrowerManager, "register", racing)
    response = registrar_client.post(create_url("adult"), valid_data("adult"))
    assert response.status_code == 200
    assert "En annan låntagare har redan den här e-postadressen" in html(response)


def test_the_unique_constraints_back_the_forms(registrar, library_b):
    """What the race tests rely on: the database refuses a second row."""
    BorrowerFactory(library=library_b, identifier=ADULT)
    with pytest.raises(AlreadyRegistered) as raised:
        Borrower.objects.register(
            by=registrar,
            identity=__import__("borrowers.identity", fromlist=["x"]).parse_personal_number(
                ADULT, today=borrower_models.timezone.localdate()
            ),
            email="ny@post.example",
            valid_until=None,
            library=registrar.library,
            first_name="N",
            last_name="N",
        )
    assert isinstance(raised.value.__cause__, IntegrityError)


def test_a_wrong_age_error_leads_to_the_right_form(registrar_client):
    page = html(registrar_client.post(create_url("adult"), valid_data("adult", identifier=MINOR)))
    assert "Numret tillhör en person under 18 år" in page
    assert f'<form method="post" action="{create_url("minor")}" class="carry-over">' in page
    assert "Gå till Skapa låntagare under 18 år med det du har skrivit" in page


# --- protected identity ------------------------------------------------------


def test_a_protected_identity_stores_only_what_mtm_needs(
    registrar_client, registrar, published, mailoutbox
):
    data = valid_data(
        "minor", protected_identity="on", services=[str(published[0].pk)], valid_until="2027-01-31"
    )
    response = registrar_client.post(create_url("minor"), data)
    assert response["Location"] == reverse("borrowers:protected_created")
    borrower = Borrower.objects.get(identifier=MINOR)
    assert borrower.protected_identity and borrower.library is None
    assert (borrower.first_name, borrower.last_name, borrower.guardian_name) == ("", "", "")
    assert borrower.guardian_birth_date is None
    assert borrower.created_by is None and borrower.agreement_accepted_by is None
    assert borrower.agreement_accepted_at is not None
    assert borrower.email == "nora.ny@post.example" and str(borrower.valid_until) == "2027-01-31"
    assert list(borrower.services.all()) == [published[0]]
    assert AuditEvent.objects.get(action=Action.CREATED).library is None
    assert len(mailoutbox) == 1


def test_after_saving_a_protected_identity_the_registrar_sees_only_a_confirmation(
    registrar_client, registrar
):
    data = valid_data("adult", protected_identity="on")
    response = registrar_client.post(create_url("adult"), data, follow=True)
    borrower = Borrower.objects.get(identifier=ADULT)
    page = html(response)
    assert "<h1>Kontot är överlämnat till MTM</h1>" in page
    assert str(borrower.code) not in page and "Nora" not in page and "9995" not in page
    assert not Borrower.objects.visible_to(registrar).exists()
    assert (
        registrar_client.get(reverse("borrowers:detail", args=[borrower.code])).status_code == 404
    )
    # The confirmation is shown once, right after saving.
    again = registrar_client.get(reverse("borrowers:protected_created"))
    assert again.status_code == 302


# --- branches -----------------------------------------------------------------


def test_the_form_offers_a_library_only_when_there_are_branches(registrar_client, library_a):
    assert 'name="library"' not in html(registrar_client.get(create_url("adult")))
    branch = LibraryFactory(parent=library_a, name="Filialen")
    page = html(registrar_client.get(create_url("adult")))
    assert '<label class="form-label fw-semibold" for="id_library">Bibliotek</label>' in page
    assert f'<option value="{library_a.pk}" selected>Bibliotek A (huvudbibliotek)</option>' in page
    assert f'<option value="{branch.pk}">Filialen</option>' in page


def test_a_branch_page_leads_to_the_four_forms_with_the_branch_chosen(registrar_client, branch_a):
    page = html(registrar_client.get(reverse("libraries:branch", args=[branch_a.pk])))
    for kind in KINDS:
        assert f'href="{create_url(kind)}?bibliotek={branch_a.pk}"' in page
    form_page = html(registrar_client.get(f"{create_url('minor')}?bibliotek={branch_a.pk}"))
    assert f'<option value="{branch_a.pk}" selected>' in form_page


def test_a_borrower_can_be_saved_at_a_branch(registrar_client, branch_a):
    data = valid_data("adult", library=str(branch_a.pk))
    registrar_client.post(create_url("adult"), data)
    assert Borrower.objects.get(identifier=ADULT).library == branch_a


def test_another_librarys_branch_is_refused(registrar_client, branch_a, library_b):
    other_branch = LibraryFactory(parent=library_b)
    response = registrar_client.post(
        create_url("adult"), valid_data("adult", library=str(other_branch.pk))
    )
    assert response.status_code == 200 and not Borrower.objects.exists()
    assert "Välj ett av biblioteken i listan." in html(response)
