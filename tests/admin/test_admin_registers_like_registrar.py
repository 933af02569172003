"""MTM's Lägg till registers through the registrar's workflow (Borrower.objects.register):
the same audit events, the same credentials mail, the same agreement record."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from borrowers.forms import admin as admin_forms
from borrowers.models import AlreadyRegistered, Borrower, BorrowerManager
from notifications.models import OutgoingMail
from tests.borrowers.register.conftest import ADULT_2, valid_data
from tests.factories import BorrowerFactory


def registered_by_registrar(registrar_client):
    data = valid_data("adult", email="ny@post.example")
    response = registrar_client.post(reverse("borrowers:create_adult"), data)
    assert response.status_code == 302
    return Borrower.objects.get(email="ny@post.example")


def registered_by_mtm(client, mtm_staff, library_a):
    client.force_login(mtm_staff)
    data = valid_data("adult", identifier=ADULT_2, email="ny2@post.example")
    response = client.post(
        reverse("admin:borrowers_borrower_add"),
        {
            "number": data["identifier"],
            "email": data["email"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "library": library_a.pk,
            "send_credentials": "on",
            "agreement": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Borrower.objects.get(email="ny2@post.example")


def trace(borrower, by):
    """What the registration left behind, without ids and times."""
    events = AuditEvent.objects.filter(borrower_code=borrower.code).order_by("pk")
    mails = OutgoingMail.objects.filter(to=borrower.email).order_by("pk")
    return {
        "events": [(event.action, event.actor == by) for event in events],
        "mails": [(mail.kind, sorted(mail.context)) for mail in mails],
        "mail_borrower": [mail.context.get("borrower") == borrower.pk for mail in mails],
        "agreement": (borrower.agreement_accepted_by == by, borrower.agreement_accepted_at),
        "created": (borrower.created_by == by, borrower.created_at is not None),
        "credentials_sent": borrower.credentials_sent_at is not None,
        "password": borrower.has_usable_password(),
    }


def test_the_admin_add_form_leaves_the_same_trace_as_the_registrars_form(
    registrar_client, registrar, client, mtm_staff, library_a
):
    borrower = registered_by_registrar(registrar_client)
    expected = trace(borrower, registrar)
    borrower = registered_by_mtm(client, mtm_staff, library_a)
    got = trace(borrower, mtm_staff)
    # The agreement time differs; that both record one is what counts.
    for result in (expected, got):
        result["agreement"] = (result["agreement"][0], result["agreement"][1] is not None)
    assert got == expected
    events = AuditEvent.objects.filter(borrower_code=borrower.code).order_by("pk")
    assert [event.action for event in events] == [
        "created",
        "credentials_sent",
    ]
    assert {
        e.detail.get("via") for e in AuditEvent.objects.filter(borrower_code=borrower.code)
    } == {"admin"}


def test_the_admin_answers_mtm_as_mtm_about_a_protected_identitys_email(
    client, mtm_staff, library_a
):
    # BorrowerAdmin.get_form hands the user to the rules: MTM hear "taken", not CONTACT_MTM.
    protected = BorrowerFactory(protected=True)
    client.force_login(mtm_staff)
    response = client.post(
        reverse("admin:borrowers_borrower_add"),
        {
            "number": "19850113-9995",
            "email": protected.email,
            "first_name": "Nora",
            "last_name": "Ny",
            "library": library_a.pk,
            "agreement": "on",
        },
    )
    errors = response.context["adminform"].form.errors.as_data()["email"]
    assert [error.code for error in errors] == ["taken"]


def first_look_misses(monkeypatch, owner, name, passed=lambda *args: None):
    """`owner.name` passes on its first call (answering `passed(*args)`), then checks."""
    real, calls = getattr(owner, name), []

    def blind_once(*args, **kwargs):
        calls.append(args)
        return passed(*args) if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(owner, name, blind_once)


@pytest.mark.parametrize("taken", ["number", "email"])
def test_a_registration_race_in_the_admin_gives_the_add_form_back_not_a_500(
    taken, client, mtm_staff, library_a, library_b, monkeypatch
):
    """Another registrar saves the same person (or the same address) just after the
    admin form's check and before its save: MTM gets the add form again with the
    reason, and everything typed is still there."""
    other = {"number": {"identifier": "198501139995"}, "email": {"email": "NORA.NY@post.example"}}
    BorrowerFactory(library=library_b, **other[taken])
    # The form's first look runs before the other registrar's row lands: its rule
    # (and, for the address, the model's constraint check) sees nothing yet.
    if taken == "number":
        first_look_misses(monkeypatch, admin_forms, "check_identifier_free")
    else:
        first_look_misses(monkeypatch, admin_forms, "check_borrower_email", lambda email: email)
        first_look_misses(monkeypatch, Borrower, "validate_constraints")
    client.force_login(mtm_staff)
    typed = {
        "number": "19850113-9995",
        "email": "nora.ny@post.example",
        "first_name": "Nora",
        "last_name": "Nyström",
        "library": library_a.pk,
        "send_credentials": "on",
        "agreement": "on",
    }
    response = client.post(reverse("admin:borrowers_borrower_add"), typed)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.is_bound and not form.is_valid()
    assert taken in form.errors, form.errors
    page = response.content.decode()
    for name in ("number", "email", "first_name", "last_name"):
        assert f'value="{typed[name]}"' in page, name
    assert Borrower.objects.count() == 1  # only the other registrar's
    assert not AuditEvent.objects.exists() and not OutgoingMail.objects.exists()


def test_a_race_the_second_look_cannot_explain_still_gives_the_form_back(
    client, mtm_staff, library_a, monkeypatch
):
    """The unique row refused the save, but the other account is gone again by the
    time the form is checked anew: a general error, the form as typed."""

    def refused(manager, **kwargs):
        raise AlreadyRegistered

    monkeypatch.setattr(BorrowerManager, "register", refused)
    client.force_login(mtm_staff)
    response = client.post(
        reverse("admin:borrowers_borrower_add"),
        {
            "number": "19850113-9995",
            "email": "nora.ny@post.example",
            "first_name": "Nora",
            "last_name": "Ny",
            "library": library_a.pk,
            "agreement": "on",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == ["Låntagaren kunde inte sparas. Försök igen."]
    assert 'value="nora.ny@post.example"' in response.content.decode()
    assert not Borrower.objects.exists()
