"""Redigera låntagare: the rules of SPEC §2 for each kind of account, audited by field name."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from audit.models import Action, AuditEvent
from borrowers.models import Service
from tests.borrowers.manage.conftest import OTHER_PERSONNUMMER, SAME_PERSONS_PERSONNUMMER
from tests.factories import BorrowerFactory

TODAY = date(2026, 3, 27)


def form_data(borrower, **changes):
    data = {
        "first_name": borrower.first_name,
        "last_name": borrower.last_name,
        "email": borrower.email,
        "valid_until": f"{borrower.valid_until:%Y-%m-%d}" if borrower.valid_until else "",
        "services": [s.pk for s in borrower.services.all() if s.published],
        "library": borrower.library_id,
    }
    if borrower.id_kind == "lma":
        data["lma_number"] = borrower.display_identifier
    else:
        data["identifier"] = borrower.display_identifier
    if borrower.registered_as_minor:
        data["guardian_birth_date"] = f"{borrower.guardian_birth_date:%Y-%m-%d}"
        data["guardian_name"] = borrower.guardian_name
    data.update(changes)
    return data


def post(client, borrower, **changes):
    return client.post(
        reverse("borrowers:edit", args=[borrower.code]), form_data(borrower, **changes)
    )


def errors(response):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "<title>Fel: " in html
    return html


def test_names_and_email_are_saved_and_audited_by_field_name(
    registrar_client, registrar, borrower_a
):
    response = post(registrar_client, borrower_a, first_name="Annie", email="annie@post.example")
    assert response.status_code == 302
    assert response.url == reverse("borrowers:detail", args=[borrower_a.code])
    borrower_a.refresh_from_db()
    assert (borrower_a.first_name, borrower_a.email) == ("Annie", "annie@post.example")
    event = AuditEvent.objects.get(action=Action.UPDATED)
    assert event.fields == ["email", "first_name"]
    assert event.actor == registrar and event.borrower_code == borrower_a.code
    assert "Annie" not in str(event.detail) and "annie@" not in str(event.detail)


def test_saving_without_changes_writes_no_audit_event(registrar_client, borrower_a):
    assert post(registrar_client, borrower_a).status_code == 302
    assert not AuditEvent.objects.filter(action=Action.UPDATED).exists()


def saved_message(client, response) -> str:
    assert response.status_code == 302
    return client.get(response.url).content.decode()


def test_one_changed_field_is_all_that_is_audited_and_the_page_says_saved(
    registrar_client, borrower_a, services
):
    # The borrower's groups, submitted unchanged as the form sends them, are no change.
    borrower_a.services.set([services["Laddare"], services["Strömmare"]])
    page = saved_message(registrar_client, post(registrar_client, borrower_a, last_name="Nyman"))
    assert "Låntagarens uppgifter är sparade." in page and "Inget ändrades." not in page
    assert AuditEvent.objects.get(action=Action.UPDATED).fields == ["last_name"]


def test_saving_without_changes_says_nothing_was_changed(registrar_client, borrower_a, services):
    borrower_a.services.set([services["Laddare"]])
    page = saved_message(registrar_client, post(registrar_client, borrower_a))
    assert "Inget ändrades." in page and "Låntagarens uppgifter är sparade." not in page


def test_the_email_must_be_unique_whatever_the_case(registrar_client, borrower_a, borrower_b):
    html = errors(post(registrar_client, borrower_a, email=borrower_b.email.upper()))
    assert "En annan låntagare har redan den här e-postadressen" in html


def test_a_protected_borrowers_email_gets_only_the_contact_mtm_answer(registrar_client, borrower_a):
    protected = BorrowerFactory(protected=True)
    html = errors(post(registrar_client, borrower_a, email=protected.email))
    # One policy at every registrar door (borrowers.rules.check_borrower_email).
    assert "Personen kan inte registreras här. Kontakta MTM: 08-580 02 710, info@mtm.se." in html
    assert "skyddad" not in html.lower()


def test_the_registrars_own_email_is_refused(registrar_client, registrar, borrower_a):
    html = errors(post(registrar_client, borrower_a, email=registrar.email.upper()))
    assert "Det här är din egen e-postadress." in html


def test_a_failed_submit_keeps_everything_typed(registrar_client, borrower_b, borrower_a):
    html = errors(
        post(
            registrar_client, borrower_a, first_name="Annelie", last_name="", email=borrower_b.email
        )
    )
    assert 'value="Annelie"' in html and f'value="{borrower_b.email}"' in html
    assert "Skriv efternamnet." in html
    assert 'href="#id_last_name"' in html  # the error summary links to the field


@time_machine.travel(TODAY, tick=False)
def test_a_personnummer_account_may_be_valid_until_further_notice(registrar_client, borrower_a):
    assert post(registrar_client, borrower_a, valid_until="2026-06-30").status_code == 302
    borrower_a.refresh_from_db()
    assert borrower_a.valid_until == date(2026, 6, 30)
    assert post(registrar_client, borrower_a, valid_until="").status_code == 302
    borrower_a.refresh_from_db()
    assert borrower_a.valid_until is None


@time_machine.travel(TODAY, tick=False)
def test_a_new_validity_cannot_lie_in_the_past(registrar_client, borrower_a):
    html = errors(post(registrar_client, borrower_a, valid_until="2026-03-26"))
    assert "Datumet har redan passerat" in html


@time_machine.travel(TODAY, tick=False)
def test_an_expired_account_keeps_its_date_when_other_fields_change(registrar_client, library_a):
    borrower = BorrowerFactory(library=library_a, valid_until=TODAY - timedelta(days=10))
    assert post(registrar_client, borrower, first_name="Ny").status_code == 302


@time_machine.travel(TODAY, tick=False)
def test_a_samordningsnummer_needs_a_validity_of_at_most_a_year(
    registrar_client, samordningsnummer_borrower
):
    html = errors(post(registrar_client, samordningsnummer_borrower, valid_until=""))
    assert "Ett konto med samordningsnummer måste ha ett slutdatum" in html
    # At most the same date next year, as when creating (today + 366 days goes too far).
    html = errors(post(registrar_client, samordningsnummer_borrower, valid_until="2027-03-28"))
    assert "senast till och med 2027-03-27" in html
    assert (
        post(registrar_client, samordningsnummer_borrower, valid_until="2027-03-27").status_code
        == 302
    )
    samordningsnummer_borrower.refresh_from_db()
    assert samordningsnummer_borrower.valid_until == date(2027, 3, 27)


@time_machine.travel(TODAY, tick=False)
def test_a_samordningsnummer_is_replaced_by_the_same_persons_personnummer(
    registrar_client, samordningsnummer_borrower
):
    number = SAME_PERSONS_PERSONNUMMER
    response = post(
        registrar_client,
        samordningsnummer_borrower,
        identifier=f"{number[2:8]}-{number[8:]}",
        valid_until="",  # optional now
    )
    assert response.status_code == 302
    samordningsnummer_borrower.refresh_from_db()
    assert samordningsnummer_borrower.identifier == number
    assert samordningsnummer_borrower.id_kind == "personnummer"
    assert samordningsnummer_borrower.valid_until is None
    event = AuditEvent.objects.get(action=Action.UPDATED)
    assert {"identifier", "id_kind", "valid_until"} <= set(event.fields)
    assert number not in str(event.fields)


@time_machine.travel(TODAY, tick=False)
def test_a_personnummer_of_another_birth_date_cannot_replace_a_samordningsnummer(
    registrar_client, samordningsnummer_borrower
):
    html = errors(post(registrar_client, samordningsnummer_borrower, identifier=OTHER_PERSONNUMMER))
    assert "samma födelsedatum som samordningsnumret" in html


def test_a_personnummer_cannot_be_changed(registrar_client, borrower_a):
    html = errors(post(registrar_client, borrower_a, identifier=OTHER_PERSONNUMMER))
    assert "Numret kan inte ändras" in html
    borrower_a.refresh_from_db()
    assert borrower_a.identifier != OTHER_PERSONNUMMER


@time_machine.travel(TODAY, tick=False)
def test_a_number_of_another_account_is_refused(
    registrar_client, samordningsnummer_borrower, library_b
):
    BorrowerFactory(library=library_b, identifier=SAME_PERSONS_PERSONNUMMER)
    html = errors(
        post(registrar_client, samordningsnummer_borrower, identifier=SAME_PERSONS_PERSONNUMMER)
    )
    assert "Ett annat låntagarkonto har redan det här numret" in html


@time_machine.travel(TODAY, tick=False)
def test_a_new_lma_card_means_a_new_number_and_date(registrar_client, lma_borrower):
    response = post(registrar_client, lma_borrower, lma_number="87654321", valid_until="2026-12-31")
    assert response.status_code == 302
    lma_borrower.refresh_from_db()
    assert (lma_borrower.identifier, lma_borrower.valid_until) == ("87654321", date(2026, 12, 31))


@time_machine.travel(TODAY, tick=False)
def test_an_lma_account_needs_the_card_date(registrar_client, lma_borrower):
    html = errors(post(registrar_client, lma_borrower, valid_until=""))
    assert "Ange sista giltighetsdagen på LMA-kortet." in html


@time_machine.travel(TODAY, tick=False)
def test_an_lma_account_cannot_become_a_personnummer_account(registrar_client, lma_borrower):
    html = errors(post(registrar_client, lma_borrower, lma_number=SAME_PERSONS_PERSONNUMMER))
    assert "skapar du ett nytt konto med personnumret och raderar sedan det här kontot" in html
    lma_borrower.refresh_from_db()
    assert lma_borrower.id_kind == "lma"


def test_only_published_services_are_offered_and_unpublished_ones_are_kept(
    registrar_client, borrower_a, services
):
    retired = Service.objects.create(name="Gammal tjänst", published=False)
    borrower_a.services.set([retired, services["Laddare"]])
    html = registrar_client.get(reverse("borrowers:edit", args=[borrower_a.code])).content.decode()
    assert "Gammal tjänst" not in html and "TBK Talboken kommer" in html
    assert (
        post(registrar_client, borrower_a, services=[services["Strömmare"].pk]).status_code == 302
    )
    assert set(borrower_a.services.all()) == {retired, services["Strömmare"]}
    errors(post(registrar_client, borrower_a, services=[retired.pk]))
    assert AuditEvent.objects.get(action=Action.UPDATED).fields == ["services"]


def test_the_library_can_be_a_branch_of_ones_own_but_not_another_library(
    registrar_client, borrower_a, branch_a, library_b
):
    assert post(registrar_client, borrower_a, library=branch_a.pk).status_code == 302
    borrower_a.refresh_from_db()
    assert borrower_a.library == branch_a
    html = errors(post(registrar_client, borrower_a, library=library_b.pk))
    assert "Välj ett av biblioteken i listan." in html or "Bibliotek" in html
    borrower_a.refresh_from_db()
    assert borrower_a.library == branch_a


def test_without_branches_there_is_no_library_choice(registrar_client, borrower_a):
    html = registrar_client.get(reverse("borrowers:edit", args=[borrower_a.code])).content.decode()
    assert 'name="library"' not in html


@time_machine.travel(TODAY, tick=False)
def test_a_minors_guardian_must_be_an_adult(registrar_client, library_a):
    minor = BorrowerFactory(library=library_a, minor=True)
    html = errors(post(registrar_client, minor, guardian_birth_date="2010-01-01"))
    assert "Vårdnadshavaren måste vara 18 år eller äldre" in html
    assert post(registrar_client, minor, guardian_birth_date="1975-01-01").status_code == 302
    minor.refresh_from_db()
    assert minor.guardian_birth_date == date(1975, 1, 1)


@time_machine.travel(TODAY, tick=False)
def test_an_lma_minor_needs_the_guardians_name(registrar_client, library_a):
    minor = BorrowerFactory(
        library=library_a,
        lma=True,
        registered_as_minor=True,
        guardian_birth_date=date(1980, 1, 1),
        guardian_name="Gun",
    )
    html = errors(post(registrar_client, minor, guardian_name=""))
    assert "Ange vårdnadshavarens namn." in html


def test_the_edit_page_ends_with_delete_account(registrar_client, borrower_a):
    html = registrar_client.get(reverse("borrowers:edit", args=[borrower_a.code])).content.decode()
    delete = reverse("borrowers:delete", args=[borrower_a.code])
    assert f'<a href="{delete}" class="btn btn-outline-danger">Radera kontot</a>' in html
    assert html.index("Radera kontot") > html.index("Spara")
    for label in [
        "Person-/Samordningsnummer",
        "Förnamn",
        "Efternamn",
        "E-post",
        "Giltighetstid t.o.m.",
    ]:
        assert f">{label}" in html


@pytest.mark.parametrize("field", ["first_name", "last_name", "email"])
def test_every_required_field_has_its_own_swedish_message(registrar_client, borrower_a, field):
    html = errors(post(registrar_client, borrower_a, **{field: ""}))
    assert "Detta fält måste fyllas i" not in html
