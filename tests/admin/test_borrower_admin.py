"""MTM's borrower admin: search in every writing, filters, audit, the form's rules,
protected identities, moves and deletion."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.log import keyed_hash
from audit.models import Action, AuditEvent
from borrowers.models import Borrower, ExpiryReminder, NotDuplicate, Service
from core.admin_tools import LargeTablePaginator
from notifications.models import MailKind, OutgoingMail
from tests.factories import PERSONNUMMER, BorrowerFactory, LibraryFactory

CHANGELIST = reverse("admin:borrowers_borrower_changelist")


def change_url(borrower):
    return reverse("admin:borrowers_borrower_change", args=[borrower.pk])


def search(client, text, path=CHANGELIST):
    """Search as the form does: POST, then follow the redirect to the remembered search."""
    response = client.post(path, {"q": text, "_search": "Sök"})
    assert response.status_code == 302
    assert text.strip() not in response["Location"]
    return client.get(response["Location"])


def listed(response) -> set[str]:
    return {str(b.pk) for b in response.context["cl"].result_list}


# --- searching ---------------------------------------------------------------------


@pytest.fixture
def people(library_a, library_b):
    return {
        "adult": BorrowerFactory(
            library=library_a, identifier="192901029088", first_name="Anna", last_name="Ek"
        ),
        "samordning": BorrowerFactory(library=library_b, samordningsnummer=True),
        "lma": BorrowerFactory(library=library_b, lma=True, identifier="12345678"),
        "protected": BorrowerFactory(protected=True, email="skyddad@post.example"),
    }


@pytest.mark.parametrize(
    "writing",
    [
        "192901029088",
        "19290102-9088",
        "2901029088",
        "290102-9088",
        " 1929 0102 - 9088 ",
        "19290102\u20139088",
    ],
)
def test_search_finds_a_personnummer_in_every_writing(mtm_client, people, writing):
    response = search(mtm_client, writing)
    assert listed(response) == {str(people["adult"].pk)}


def test_search_finds_a_centenarian_written_with_plus(mtm_client, library_a):
    number = next(n for n in PERSONNUMMER if n[:4] == "1910")
    old = BorrowerFactory(
        library=library_a,
        identifier=number,
        birth_date=date(1910, int(number[4:6]), int(number[6:8])),
    )
    response = search(mtm_client, f"{number[2:8]}+{number[8:]}")
    assert listed(response) == {str(old.pk)}


def test_search_finds_a_samordningsnummer(mtm_client, people):
    number = people["samordning"].identifier
    for writing in [number, f"{number[2:8]}-{number[8:]}"]:
        assert listed(search(mtm_client, writing)) == {str(people["samordning"].pk)}


@pytest.mark.parametrize("writing", ["12-345678", "12345678", "12 345678"])
def test_search_finds_an_lma_number_with_or_without_dash(mtm_client, people, writing):
    assert listed(search(mtm_client, writing)) == {str(people["lma"].pk)}


def test_search_finds_protected_identities_too(mtm_client, people):
    assert listed(search(mtm_client, "skyddad@post")) == {str(people["protected"].pk)}


def test_search_by_name_and_email(mtm_client, people):
    assert listed(search(mtm_client, "anna ek")) == {str(people["adult"].pk)}
    assert listed(search(mtm_client, people["lma"].email.upper())) == {str(people["lma"].pk)}


def test_an_identity_search_is_audited_as_a_keyed_hash(mtm_client, mtm_user, people):
    search(mtm_client, "290102-9088")
    event = AuditEvent.objects.get(action=Action.SEARCHED)
    assert event.actor == mtm_user
    assert event.search_hash == keyed_hash("192901029088")
    assert "9088" not in str(event.detail)


def test_a_search_typed_into_the_url_is_moved_out_of_it(mtm_client, people):
    response = mtm_client.get(
        CHANGELIST, {"q": "19290102-9088", "library": people["adult"].library_id}
    )
    assert response.status_code == 302
    assert "9088" not in response["Location"]
    assert f"library={people['adult'].library_id}" in response["Location"]
    assert listed(mtm_client.get(response["Location"])) == {str(people["adult"].pk)}


def test_an_expired_search_key_asks_to_search_again(mtm_client, people):
    response = mtm_client.get(CHANGELIST, {"sok": "unknown"})
    assert response.status_code == 302
    assert "sok" not in response["Location"]


def test_the_list_never_shows_a_full_identity_number(mtm_client, people):
    html = mtm_client.get(CHANGELIST).content.decode()
    assert "19290102-****" in html
    for borrower in people.values():
        assert borrower.identifier not in html
        assert borrower.display_identifier not in html


def test_the_list_has_a_bounded_number_of_queries(
    mtm_client, people, django_assert_max_num_queries
):
    BorrowerFactory.create_batch(20)
    # 11 on PostgreSQL: the paginator asks pg_class for the estimate first.
    # 12: one more than before for the second factor (django-otp loads the device).
    with django_assert_max_num_queries(12):
        response = mtm_client.get(CHANGELIST)
    assert response.status_code == 200


# --- filters -------------------------------------------------------------------------


def test_filter_by_library_and_county(mtm_client, people, library_a):
    response = mtm_client.get(CHANGELIST, {"library": library_a.pk})
    assert listed(response) == {str(people["adult"].pk)}
    assert library_a.name in response.content.decode()
    elsewhere = BorrowerFactory(
        library=LibraryFactory(municipality=_municipality("Göteborg")),
    )
    county = elsewhere.library.municipality.county
    response = mtm_client.get(CHANGELIST, {"library__county__id__exact": county.pk})
    assert listed(response) == {str(elsewhere.pk)}


def _municipality(name):
    from libraries.models import Municipality

    return Municipality.objects.get(name=name)


def test_filter_by_kind_of_identifier(mtm_client, people):
    assert listed(mtm_client.get(CHANGELIST, {"id_kind__exact": "lma"})) == {str(people["lma"].pk)}
    assert listed(mtm_client.get(CHANGELIST, {"id_kind__exact": "samordningsnummer"})) == {
        str(people["samordning"].pk)
    }


def test_filter_by_age(mtm_client, library_a):
    adult = BorrowerFactory(library=library_a)
    minor = BorrowerFactory(library=library_a, minor=True)
    lma_adult = BorrowerFactory(library=library_a, lma=True)
    lma_minor = BorrowerFactory(
        library=library_a, lma=True, registered_as_minor=True, guardian_birth_date=date(1980, 1, 1)
    )
    for value, expected in [
        ("adult", adult),
        ("minor", minor),
        ("lma_adult", lma_adult),
        ("lma_minor", lma_minor),
    ]:
        assert listed(mtm_client.get(CHANGELIST, {"age": value})) == {str(expected.pk)}, value


def test_filter_by_validity(mtm_client, library_a):
    today = timezone.localdate()
    expired = BorrowerFactory(library=library_a, valid_until=today - timedelta(days=1))
    expiring = BorrowerFactory(library=library_a, valid_until=today + timedelta(days=14))
    later = BorrowerFactory(library=library_a, valid_until=today + timedelta(days=15))
    forever = BorrowerFactory(library=library_a)
    assert listed(mtm_client.get(CHANGELIST, {"validity": "expired"})) == {str(expired.pk)}
    assert listed(mtm_client.get(CHANGELIST, {"validity": "expiring"})) == {str(expiring.pk)}
    assert listed(mtm_client.get(CHANGELIST, {"validity": "valid"})) == {
        str(expiring.pk),
        str(later.pk),
        str(forever.pk),
    }


def test_filter_by_protected_identity(mtm_client, people):
    response = mtm_client.get(CHANGELIST, {"protected_identity__exact": "1"})
    assert listed(response) == {str(people["protected"].pk)}


def test_an_unknown_library_in_the_url_is_refused(mtm_client, people):
    response = mtm_client.get(CHANGELIST, {"library": "999999"})
    assert response.status_code == 302 and "e=1" in response["Location"]


# --- counting ----------------------------------------------------------------------------


def test_the_paginator_counts_at_most_its_cap(library_a, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "CAP", 3)
    BorrowerFactory.create_batch(5, library=library_a)
    assert LargeTablePaginator(Borrower.objects.filter(library=library_a), 2).count == 3
    assert LargeTablePaginator(Borrower.objects.filter(library=None), 2).count == 0


# --- one borrower ----------------------------------------------------------------------


def test_opening_a_borrower_is_audited(mtm_client, mtm_user, borrower_a):
    response = mtm_client.get(change_url(borrower_a))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=Action.VIEWED)
    assert (event.actor, event.borrower_code) == (mtm_user, borrower_a.code)


def test_the_change_form_never_shows_the_password(mtm_client, borrower_a):
    borrower_a.set_password("hemligt-lösen")
    borrower_a.save()
    html = mtm_client.get(change_url(borrower_a)).content.decode()
    assert borrower_a.password not in html
    assert "Lösenord" in html


def form_data(borrower, **changes):
    data = {
        "number": borrower.display_identifier,
        "email": borrower.email,
        "valid_until": f"{borrower.valid_until:%Y-%m-%d}" if borrower.valid_until else "",
        "services": [s.pk for s in borrower.services.all()],
        "first_name": borrower.first_name,
        "last_name": borrower.last_name,
        "library": borrower.library_id or "",
        "guardian_birth_date": (
            f"{borrower.guardian_birth_date:%Y-%m-%d}" if borrower.guardian_birth_date else ""
        ),
        "guardian_name": borrower.guardian_name,
    }
    if borrower.protected_identity:
        data["protected_identity"] = "on"
    if borrower.registered_as_minor:
        data["registered_as_minor"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post_change(client, borrower, **changes):
    return client.post(change_url(borrower), form_data(borrower, **changes))


def errors(response, field):
    return [str(e) for e in response.context["adminform"].form.errors.get(field, [])]


def test_a_change_is_audited_with_field_names_only(mtm_client, borrower_a):
    unpublished = Service.objects.create(name="Intern grupp", published=False)
    response = post_change(mtm_client, borrower_a, first_name="Annika", services=[unpublished.pk])
    assert response.status_code == 302, response.context["adminform"].form.errors
    borrower_a.refresh_from_db()
    assert borrower_a.first_name == "Annika"
    assert list(borrower_a.services.all()) == [unpublished]
    event = AuditEvent.objects.get(action=Action.UPDATED)
    assert event.fields == ["first_name", "services"]
    assert "Annika" not in str(event.detail)


def test_email_is_unique_whatever_the_case(mtm_client, borrower_a, borrower_b):
    response = post_change(mtm_client, borrower_a, email=borrower_b.email.upper())
    assert response.status_code == 200
    assert errors(response, "email")


def test_a_samordningsnummer_needs_a_validity_of_at_most_a_year(mtm_client, library_a):
    borrower = BorrowerFactory(library=library_a, samordningsnummer=True)
    response = post_change(mtm_client, borrower, valid_until="")
    assert errors(response, "valid_until")
    too_far = timezone.localdate() + timedelta(days=367)
    response = post_change(mtm_client, borrower, valid_until=f"{too_far:%Y-%m-%d}")
    assert errors(response, "valid_until")


def test_an_lma_account_needs_the_cards_validity(mtm_client, library_a):
    borrower = BorrowerFactory(library=library_a, lma=True)
    assert errors(post_change(mtm_client, borrower, valid_until=""), "valid_until")


def test_a_minor_needs_an_adult_guardian(mtm_client, library_a):
    minor = BorrowerFactory(library=library_a, minor=True)
    assert errors(post_change(mtm_client, minor, guardian_birth_date=""), "guardian_birth_date")
    young = f"{timezone.localdate() - timedelta(days=365 * 10):%Y-%m-%d}"
    assert errors(post_change(mtm_client, minor, guardian_birth_date=young), "guardian_birth_date")


def test_an_lma_minor_needs_the_guardians_name(mtm_client, library_a):
    borrower = BorrowerFactory(
        library=library_a, lma=True, registered_as_minor=True, guardian_birth_date=date(1980, 1, 1)
    )
    assert errors(post_change(mtm_client, borrower, guardian_name=""), "guardian_name")


def test_an_lma_account_cannot_become_a_personnummer_account(mtm_client, library_a):
    borrower = BorrowerFactory(library=library_a, lma=True)
    response = post_change(mtm_client, borrower, number="19290102-9088")
    assert errors(response, "number")


def test_an_invalid_number_is_explained(mtm_client, borrower_a):
    assert errors(post_change(mtm_client, borrower_a, number="19290102-9089"), "number")


def test_a_number_of_another_account_is_refused(mtm_client, borrower_a, borrower_b):
    response = post_change(mtm_client, borrower_a, number=borrower_b.identifier)
    assert errors(response, "number")


def test_a_library_is_required_unless_protected(mtm_client, borrower_a):
    assert errors(post_change(mtm_client, borrower_a, library=""), "library")


# --- protected identity --------------------------------------------------------------------


def test_protecting_a_borrower_clears_names_guardian_and_library(
    mtm_client, mtm_user, library_a, registrar
):
    minor = BorrowerFactory(library=library_a, minor=True, guardian_name="Vera Vårdnad")
    assert Borrower.objects.visible_to(registrar).filter(pk=minor.pk).exists()
    response = post_change(mtm_client, minor, protected_identity="on", email="ny@post.example")
    assert response.status_code == 302, response.context["adminform"].form.errors
    minor.refresh_from_db()
    assert minor.protected_identity
    assert (minor.first_name, minor.last_name, minor.guardian_name) == ("", "", "")
    assert (minor.guardian_birth_date, minor.library) == (None, None)
    assert minor.email == "ny@post.example"
    # The registrars lose sight of it at once.
    assert not Borrower.objects.visible_to(registrar).filter(pk=minor.pk).exists()
    events = AuditEvent.objects.filter(action=Action.UPDATED, borrower_code=minor.code)
    fields = sorted(f for e in events for f in e.fields)
    assert fields == sorted(
        [
            "email",
            "first_name",
            "guardian_birth_date",
            "guardian_name",
            "last_name",
            "library",
            "protected_identity",
        ]
    )
    assert all(e.library is None and e.actor == mtm_user for e in events)


def test_protecting_withdraws_a_pending_transfer_request(
    mtm_user, borrower_a, library_b, registrar
):
    from transfers.models import Status, TransferRequest

    transfer = TransferRequest.request(borrower_a, to_library=library_b, by=registrar)
    borrower_a.protect(by=mtm_user)
    transfer.refresh_from_db()
    assert transfer.status == Status.CANCELLED


def test_a_protected_borrower_is_shown_without_place(mtm_client, library_a):
    protected = BorrowerFactory(protected=True)
    html = mtm_client.get(change_url(protected)).content.decode()
    assert "Skyddad identitet" in html
    response = post_change(mtm_client, protected, first_name="Smygande")
    assert response.status_code == 302
    protected.refresh_from_db()
    assert protected.first_name == ""
    assert not AuditEvent.objects.filter(action=Action.UPDATED).exists()


def test_registered_as_minor_stays_what_it_was_at_registration(mtm_client, library_a):
    grown_up = BorrowerFactory(
        library=library_a, registered_as_minor=True, guardian_birth_date=date(1950, 1, 1)
    )
    response = post_change(mtm_client, grown_up, last_name="Vuxen")
    assert response.status_code == 302, response.context["adminform"].form.errors
    grown_up.refresh_from_db()
    assert grown_up.registered_as_minor
    assert AuditEvent.objects.get(action=Action.UPDATED).fields == ["last_name"]


# --- creating, moving, deleting ----------------------------------------------------------------


def test_mtm_creates_a_borrower_with_login_details(mtm_client, mtm_user, library_a):
    response = mtm_client.post(
        reverse("admin:borrowers_borrower_add"),
        {
            "number": "290102-9088",
            "email": "ny@post.example",
            "first_name": "Nils",
            "last_name": "Ny",
            "library": library_a.pk,
            "send_credentials": "on",
            "agreement": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    borrower = Borrower.objects.get(email="ny@post.example")
    assert (borrower.id_kind, borrower.identifier) == ("personnummer", "192901029088")
    assert borrower.birth_date == date(1929, 1, 2)
    assert borrower.agreement_accepted_by == mtm_user
    assert AuditEvent.objects.filter(action=Action.CREATED, borrower_code=borrower.code).exists()
    assert OutgoingMail.objects.filter(
        kind=MailKind.BORROWER_CREDENTIALS, to="ny@post.example"
    ).exists()


def test_mtm_creates_a_protected_identity_without_place(mtm_client):
    response = mtm_client.post(
        reverse("admin:borrowers_borrower_add"),
        {
            "number": "19290102-9088",
            "email": "skyddad@post.example",
            "first_name": "Ska",
            "last_name": "Bort",
            "protected_identity": "on",
            "agreement": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    borrower = Borrower.objects.get(email="skyddad@post.example")
    assert borrower.protected_identity and borrower.first_name == "" and borrower.library is None


def test_the_agreement_is_required_when_creating(mtm_client, library_a):
    response = mtm_client.post(
        reverse("admin:borrowers_borrower_add"),
        {"number": "19290102-9088", "email": "a@post.example", "library": library_a.pk},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["agreement"]


def test_mtm_moves_a_borrower_to_any_library(
    mtm_client, mtm_user, borrower_a, library_b, library_c, registrar
):
    from transfers.models import Status, TransferRequest

    pending = TransferRequest.request(borrower_a, to_library=library_b, by=registrar)
    url = reverse("admin:borrowers_borrower_move", args=[borrower_a.pk])
    assert mtm_client.get(url).status_code == 200
    response = mtm_client.post(url, {"library": library_c.pk})
    assert response.status_code == 302
    borrower_a.refresh_from_db()
    assert borrower_a.library == library_c
    pending.refresh_from_db()
    assert pending.status == Status.CANCELLED
    move = TransferRequest.objects.get(borrower=borrower_a, status=Status.ACCEPTED)
    assert (move.to_library, move.decided_by) == (library_c, mtm_user)
    event = AuditEvent.objects.get(action=Action.TRANSFER_PULLED)
    assert event.detail["by"] == "mtm" and event.library == library_c
    assert OutgoingMail.objects.filter(kind=MailKind.TRANSFER_PULLED, to=borrower_a.email).exists()


def test_the_borrower_is_told_that_mtm_moved_them(mtm_client, borrower_a, library_c, mailoutbox):
    url = reverse("admin:borrowers_borrower_move", args=[borrower_a.pk])
    mtm_client.post(url, {"library": library_c.pk})
    body = mailoutbox[-1].body
    assert "MTM har flyttat ditt konto för talböcker från Bibliotek A till Bibliotek C." in body


def test_moving_to_the_same_library_is_refused(mtm_client, borrower_a):
    url = reverse("admin:borrowers_borrower_move", args=[borrower_a.pk])
    response = mtm_client.post(url, {"library": borrower_a.library_id})
    assert response.status_code == 200
    assert response.context["form"].errors["library"]


def test_there_is_no_bulk_delete(superuser_client, borrower_a):
    response = superuser_client.get(CHANGELIST)
    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(
        response.wsgi_request
    )


def test_deleting_a_borrower_is_audited(superuser_client, mtm_staff, borrower_a):
    url = reverse("admin:borrowers_borrower_delete", args=[borrower_a.pk])
    response = superuser_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Borrower.objects.filter(pk=borrower_a.pk).exists()
    event = AuditEvent.objects.get(action=Action.DELETED)
    assert (event.actor, event.borrower_code) == (mtm_staff, borrower_a.code)


def test_history_is_the_audit_log(mtm_client, borrower_a):
    response = mtm_client.get(reverse("admin:borrowers_borrower_history", args=[borrower_a.pk]))
    assert response.status_code == 302
    assert f"borrower_code={borrower_a.code}" in response["Location"]


def test_the_delete_page_lists_the_reminders_and_marks_that_go_with_the_account(
    superuser_client, borrower_a, borrower_b
):
    ExpiryReminder.objects.create(borrower=borrower_a, valid_until=date(2026, 6, 30))
    low, high = sorted([borrower_a.pk, borrower_b.pk])
    NotDuplicate.objects.create(first_id=low, second_id=high)
    url = reverse("admin:borrowers_borrower_delete", args=[borrower_a.pk])
    page = superuser_client.get(url).content.decode()
    # Django names each row with its str(): the borrower's id and what it refers to.
    assert f"<li>Påminnelse om giltighetstid: {borrower_a.pk}: 2026-06-30</li>" in page
    assert f"<li>Inte samma person: {low} ≠ {high}</li>" in page
