"""*Personen har fått personnummer*: an LMA account becomes a personnummer account in
one step — the right create form, prefilled; one transaction; the same e-mail."""

from datetime import date
from unittest import mock

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from borrowers import models as borrower_models
from borrowers.models import Borrower, Service
from notifications.models import MailKind, OutgoingMail
from tests.factories import BorrowerFactory
from transfers.models import TransferRequest

from .conftest import ADULT, MINOR

pytestmark = pytest.mark.django_db


@pytest.fixture
def lma(library_a, published):
    borrower = BorrowerFactory(
        library=library_a,
        lma=True,
        identifier="99000011",
        first_name="Lana",
        last_name="Lindqvist",
        email="Lana@Post.example",
        valid_until=date(2026, 9, 30),
    )
    borrower.services.set(published[:1])
    borrower.set_password("Gammalt-lösen-1")
    borrower.save()
    return borrower


@pytest.fixture
def lma_minor(library_a):
    return BorrowerFactory(
        library=library_a,
        lma=True,
        identifier="99000012",
        first_name="Lilla",
        last_name="Lindqvist",
        email="lilla@post.example",
        registered_as_minor=True,
        guardian_birth_date=date(1980, 5, 17),
        guardian_name="Vera Vårdnadshavare",
    )


def url(borrower) -> str:
    return reverse("borrowers:replace_lma", args=[borrower.code])


def page(response) -> str:
    return response.content.decode()


def data(**overrides) -> dict:
    values = {
        "identifier": "19850113-9995",
        "first_name": "Lana",
        "last_name": "Lindqvist",
        "email": "Lana@Post.example",
        "agreement": "on",
    }
    values |= overrides
    return {key: value for key, value in values.items() if value is not None}


def test_the_lma_borrower_page_offers_it_and_others_do_not(registrar_client, lma, borrower_a):
    assert url(lma) in page(registrar_client.get(reverse("borrowers:detail", args=[lma.code])))
    detail = page(registrar_client.get(reverse("borrowers:detail", args=[borrower_a.code])))
    assert "har-fatt-personnummer" not in detail
    assert registrar_client.get(url(borrower_a)).status_code == 404


def test_the_form_is_prefilled_from_the_lma_account(registrar_client, lma, published):
    response = registrar_client.get(url(lma))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.title == "Skapa vuxen låntagare"
    assert form.initial["first_name"] == "Lana" and form.initial["email"] == "Lana@Post.example"
    assert form.initial["services"] == [published[0].pk]
    assert "protected_identity" not in form.fields
    assert not form.initial["send_credentials"], "the LMA account's password keeps working"
    assert "<h1>Personen har fått personnummer</h1>" in page(response)


def test_a_minor_lma_account_gets_the_minor_form_with_the_guardian(registrar_client, lma_minor):
    form = registrar_client.get(url(lma_minor)).context["form"]
    assert form.minor and form.initial["guardian_birth_date"] == date(1980, 5, 17)
    assert form.initial["send_credentials"], "no password yet: the link is offered"


def test_the_number_decides_adult_or_minor(registrar_client, lma_minor, lma):
    response = registrar_client.post(url(lma_minor), data(identifier=ADULT, email=None))
    assert not response.context["form"].minor  # an adult number: the adult form
    response = registrar_client.post(url(lma), data(identifier=MINOR))
    form = response.context["form"]
    assert form.minor and "guardian_birth_date" in form.errors
    assert form["first_name"].value() == "Lana", "nothing typed is lost"


def test_saving_replaces_the_account_in_one_step(registrar_client, registrar, lma, published):
    lma_code = lma.code
    password = lma.password

    response = registrar_client.post(url(lma), data(services=[published[0].pk]))

    new = Borrower.objects.get(identifier=ADULT)
    assert response.status_code == 302 and response["Location"] == reverse(
        "borrowers:detail", args=[new.code]
    )
    assert not Borrower.objects.filter(code=lma_code).exists()
    assert new.email == "Lana@Post.example" and new.password == password
    assert new.valid_until is None and new.library == lma.library
    assert list(new.services.all()) == [published[0]]
    created = AuditEvent.objects.get(borrower_code=new.code, action=Action.CREATED)
    deleted = AuditEvent.objects.get(borrower_code=lma_code, action=Action.DELETED)
    assert created.detail == {"replaces": str(lma_code)}
    assert deleted.detail == {"replaced_by": str(new.code)}
    assert created.actor == deleted.actor == registrar
    [mail] = OutgoingMail.objects.all()
    assert mail.kind == MailKind.LMA_REPLACED and mail.to == "Lana@Post.example"
    assert mail.context == {"borrower": new.pk, "link": False}
    assert not AuditEvent.objects.filter(action=Action.CREDENTIALS_SENT).exists()


def test_the_mail_says_the_login_is_unchanged_and_has_a_link_when_asked(
    registrar_client, lma, mailoutbox
):
    registrar_client.post(url(lma), data(send_credentials="on"))

    [message] = mailoutbox
    assert message.subject == "Ditt konto i Legimus har nu ditt personnummer"
    assert "Du loggar in som förut, med e-postadressen Lana@Post.example" in message.body
    assert "/lantagare/losenord/" in message.body
    assert ADULT not in message.body and "99000011" not in message.body
    new = Borrower.objects.get(identifier=ADULT)
    assert new.credentials_sent_at is not None
    assert AuditEvent.objects.filter(borrower_code=new.code, action=Action.CREDENTIALS_SENT)


def test_without_the_box_the_mail_has_no_link(registrar_client, lma, mailoutbox):
    registrar_client.post(url(lma), data())
    [message] = mailoutbox
    assert "/lantagare/losenord/" not in message.body


def test_a_pending_transfer_of_the_lma_account_is_withdrawn(
    registrar_client, registrar, lma, library_b
):
    transfer = TransferRequest.request(lma, to_library=library_b, by=registrar)

    registrar_client.post(url(lma), data())

    event = AuditEvent.objects.get(action=Action.TRANSFER_CANCELLED)
    assert event.detail["reason"] == "replaced" and event.detail["transfer"] == str(transfer.code)
    assert not TransferRequest.objects.filter(pk=transfer.pk).exists()  # gone with the account


def test_another_borrowers_e_mail_is_still_refused(registrar_client, lma, borrower_a):
    response = registrar_client.post(url(lma), data(email=borrower_a.email.upper()))
    assert response.context["form"].errors["email"][0].startswith("En annan låntagare")
    assert Borrower.objects.filter(pk=lma.pk).exists()


def test_a_new_e_mail_may_be_given(registrar_client, lma):
    registrar_client.post(url(lma), data(email="lana.ny@post.example"))
    assert Borrower.objects.get(identifier=ADULT).email == "lana.ny@post.example"


def test_the_create_form_rules_apply(registrar_client, lma, borrower_a):
    # The number of someone registered here: the create form's explanation.
    response = registrar_client.post(url(lma), data(identifier=borrower_a.identifier))
    assert response.context["form"].registered_here == borrower_a
    # No agreement: refused, nothing changes.
    response = registrar_client.post(url(lma), data(agreement=None))
    assert "agreement" in response.context["form"].errors
    assert Borrower.objects.filter(pk=lma.pk).exists()


def test_when_the_save_fails_nothing_is_changed(registrar, lma):
    boom = mock.patch.object(borrower_models, "queue_mail", side_effect=RuntimeError("boom"))
    with boom, pytest.raises(RuntimeError):
        lma.replace_with_personnummer(
            by=registrar,
            send_credentials=False,
            identity=_identity(ADULT),
            email=lma.email,
            valid_until=None,
            library=lma.library,
            first_name="Lana",
            last_name="Lindqvist",
        )
    lma.refresh_from_db()
    assert lma.email == "Lana@Post.example"
    assert not Borrower.objects.filter(identifier=ADULT).exists()


def _identity(number):
    from borrowers.identity import parse_personal_number

    return parse_personal_number(number, today=date(2026, 3, 16))


def test_other_libraries_and_non_registrars_cannot(client, lma, registrar_b, mediator):
    client.force_login(registrar_b)
    assert client.get(url(lma)).status_code == 404
    assert client.post(url(lma), data()).status_code == 404
    client.force_login(mediator)
    assert client.get(url(lma)).status_code == 403
    assert Borrower.objects.filter(pk=lma.pk).exists()


def test_unpublished_groups_are_not_carried_over_by_the_form(registrar_client, lma):
    hidden = Service.objects.create(name="Gammal grupp", published=False)
    lma.services.add(hidden)
    form = registrar_client.get(url(lma)).context["form"]
    assert hidden.pk not in form.initial["services"]
