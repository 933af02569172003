"""The borrower's own password workflows through the model door (borrowers/models.py),
as Mina sidor, the set-password page and Glömt lösenord call them: each one
transaction with its audit event and mail."""

import pytest

from audit.models import Action, AuditEvent
from borrowers import models as borrower_models
from borrowers.credentials import make_token
from borrowers.models import Borrower
from notifications.models import MailKind, OutgoingMail

from .conftest import PASSWORD

NEW = "Höstdimma över ängarna"


def kinds() -> list[str]:
    return list(OutgoingMail.objects.order_by("pk").values_list("kind", flat=True))


def test_changing_the_password_on_mina_sidor_is_audited_without_staff_and_mailed(borrower):
    borrower.change_password(NEW, by=borrower)

    borrower.refresh_from_db()
    assert borrower.check_password(NEW) and not borrower.check_password(PASSWORD)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.detail) == (
        Action.PASSWORD_SET,
        None,
        {"via": "mina_sidor"},
    )
    assert kinds() == [MailKind.BORROWER_PASSWORD_CHANGED]


def test_a_broken_mail_queue_leaves_the_old_password(borrower, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the mail queue is broken")

    monkeypatch.setattr(borrower_models, "queue_mail", broken)
    with pytest.raises(RuntimeError):
        borrower.change_password(NEW, by=borrower)
    borrower.refresh_from_db()
    assert borrower.check_password(PASSWORD)
    assert not AuditEvent.objects.exists()


def test_the_login_details_link_sets_a_password_once_and_fresher_details_end_it(
    borrower, registrar
):
    old_link = make_token(borrower)
    borrower.send_credentials(by=registrar)
    assert Borrower.objects.choose_password(old_link, NEW) is None

    link = make_token(Borrower.objects.get(pk=borrower.pk))
    assert Borrower.objects.choose_password(link, NEW) == borrower
    assert Borrower.objects.choose_password(link, "Ett annat långt lösenord") is None
    assert Borrower.objects.get(pk=borrower.pk).check_password(NEW)
    chosen = AuditEvent.objects.get(action=Action.PASSWORD_SET)
    assert (chosen.actor, chosen.detail) == (None, {"via": "credentials_link"})


def test_a_reset_link_works_once_and_tells_the_borrower(borrower):
    link = make_token(borrower, purpose="reset")
    assert Borrower.objects.choose_password(link, NEW) is None  # not a login details link

    assert Borrower.objects.reset_password(link, NEW) == borrower
    assert Borrower.objects.reset_password(link, NEW) is None
    assert Borrower.objects.get(pk=borrower.pk).check_password(NEW)
    assert AuditEvent.objects.get().detail == {"via": "reset_link"}
    assert kinds() == [MailKind.BORROWER_PASSWORD_CHANGED]


def test_a_reset_is_mailed_only_to_an_address_that_has_an_account(borrower):
    Borrower.objects.request_password_reset("ingen@post.example")
    Borrower.objects.request_password_reset("   ")
    assert kinds() == []

    Borrower.objects.request_password_reset(" LENA@post.example ")
    mail = OutgoingMail.objects.get()
    assert (mail.kind, mail.to, mail.context["borrower"]) == (
        MailKind.BORROWER_PASSWORD_RESET,
        borrower.email,
        borrower.pk,
    )
