"""Every refusal of the transfer workflows, as the registrar reads it: the code and the
Swedish words, and that nothing changed. A refusal is never a database error."""

import pytest

from audit.models import AuditEvent
from borrowers.models import Borrower
from notifications.models import MailKind, OutgoingMail
from tests.factories import BorrowerFactory, LibraryFactory, StaffFactory
from transfers.models import Status, TransferRefused, TransferRequest

CANNOT_BE_MOVED = "Det här kontot kan inte flyttas. Kontakta MTM."


def refusal(call, *args, **kwargs) -> TransferRefused:
    """The refusal `call` raises, having checked that it left no trace."""
    counts = TransferRequest.objects.count(), OutgoingMail.objects.count()
    events = AuditEvent.objects.count()
    with pytest.raises(TransferRefused) as refused:
        call(*args, **kwargs)
    assert (TransferRequest.objects.count(), OutgoingMail.objects.count()) == counts
    assert AuditEvent.objects.count() == events
    return refused.value


def says(error: TransferRefused) -> str:
    return " ".join(error.messages)


@pytest.fixture
def hidden(db):
    return BorrowerFactory(protected=True)


@pytest.fixture
def mtm(db):
    return StaffFactory(email="mats@mtm.example", library=None, role="", is_staff=True)


# -- request ---------------------------------------------------------------------------


def test_a_request_for_a_protected_identity_says_contact_mtm(hidden, library_b, registrar):
    error = refusal(TransferRequest.request, hidden, to_library=library_b, by=registrar)
    assert (error.code, says(error)) == ("protected", CANNOT_BE_MOVED)


def test_a_request_to_a_closed_library_names_it(borrower_a, registrar):
    closed = LibraryFactory(name="Stängda biblioteket", active=False)
    error = refusal(TransferRequest.request, borrower_a, to_library=closed, by=registrar)
    assert error.code == "inactive"
    assert says(error) == "Stängda biblioteket tar inte längre emot låntagare i registret."


def test_a_request_to_the_own_library_names_it(borrower_a, library_a, registrar):
    error = refusal(TransferRequest.request, borrower_a, to_library=library_a, by=registrar)
    assert (error.code, says(error)) == ("same_library", "Låntagaren finns redan på Bibliotek A.")


def test_a_second_request_says_withdraw_the_first(borrower_a, library_b, library_c, registrar):
    TransferRequest.request(borrower_a, to_library=library_b, by=registrar)
    error = refusal(TransferRequest.request, borrower_a, to_library=library_c, by=registrar)
    assert error.code == "already_pending"
    assert says(error) == (
        "Det finns redan en flyttansökan för den här låntagaren. Återkalla den innan du gör en ny."
    )


# -- pull ------------------------------------------------------------------------------


def pull(borrower, by, **kwargs):
    kwargs.setdefault("to_library", by.library)
    kwargs.setdefault("email", borrower.email)
    kwargs.setdefault("consent", True)
    return TransferRequest.pull(borrower, by=by, **kwargs)


def test_pulling_without_consent_says_tick_the_box(borrower_a, registrar_b):
    error = refusal(pull, borrower_a, registrar_b, consent=False)
    assert error.code == "consent"
    assert says(error) == "Kryssa i rutan för att bekräfta att låntagaren har godkänt flytten."


def test_pulling_a_protected_identity_says_contact_mtm(hidden, registrar_b):
    error = refusal(pull, hidden, registrar_b, email="ny@post.example")
    assert (error.code, says(error)) == ("protected", CANNOT_BE_MOVED)
    hidden.refresh_from_db()
    assert hidden.library is None


def test_pulling_into_someone_elses_library_says_only_your_own(borrower_a, library_c, registrar_b):
    error = refusal(pull, borrower_a, registrar_b, to_library=library_c)
    assert error.code == "not_own"
    assert says(error) == "Du kan bara flytta en låntagare till ditt eget bibliotek."


def test_pulling_into_a_closed_branch_of_ones_own_library_is_refused(borrower_a, registrar_b):
    closed = LibraryFactory(parent=registrar_b.library, active=False)
    assert refusal(pull, borrower_a, registrar_b, to_library=closed).code == "not_own"


def test_pulling_ones_own_borrower_says_already_yours(borrower_a, branch_a, registrar):
    error = refusal(pull, borrower_a, registrar, to_library=branch_a)
    assert (error.code, says(error)) == (
        "same_library",
        "Låntagaren finns redan på ditt bibliotek.",
    )


def test_pulling_to_a_taken_address_is_an_error_on_the_email_field(
    borrower_a, borrower_b, registrar_c
):
    error = refusal(pull, borrower_a, registrar_c, email=f" {borrower_b.email.upper()} ")
    [taken] = error.error_dict["email"]
    assert taken.code == "taken"
    assert error.message_dict == {
        "email": [
            "En annan låntagare har redan den här e-postadressen. Varje låntagare behöver "
            "en egen, eftersom den används för att logga in."
        ]
    }


@pytest.fixture
def registrar_c(library_c):
    return StaffFactory(email="cilla@c.example", library=library_c)


def test_a_new_address_is_told_of_the_move_and_the_old_one_of_the_change(
    borrower_a, registrar_b, mailoutbox
):
    old = borrower_a.email
    pull(borrower_a, registrar_b, email="anna.ny@post.example")

    assert sorted(m.to[0] for m in mailoutbox) == sorted([old, "anna.ny@post.example"])
    [to_old] = [m for m in mailoutbox if m.to == [old]]
    [to_new] = [m for m in mailoutbox if m.to == ["anna.ny@post.example"]]
    changed = "Samtidigt ändrades e-postadressen i ditt konto till anna.ny@post.example."
    assert changed in to_old.body and changed not in to_new.body
    assert OutgoingMail.objects.get(to=old).context["old_address"] is True


def test_an_address_changed_only_in_letter_case_is_not_mailed_twice(
    borrower_a, registrar_b, mailoutbox
):
    """Same mailbox: one mail, to the address as now written; the login follows it."""
    borrower_a.email = "anna@post.example"
    borrower_a.save()
    pull(borrower_a, registrar_b, email="Anna@Post.example")

    assert [m.to for m in mailoutbox] == [["Anna@Post.example"]]
    assert "Samtidigt ändrades" not in mailoutbox[0].body
    assert Borrower.objects.get(pk=borrower_a.pk).email == "Anna@Post.example"


def test_an_unchanged_address_is_not_recorded_as_changed(borrower_a, registrar_b, mailoutbox):
    pull(borrower_a, registrar_b, email=f"  {borrower_a.email}  ")
    assert [m.to for m in mailoutbox] == [[borrower_a.email]]
    assert AuditEvent.objects.get(action="transfer_pulled").fields == ["library"]


# -- move_by_mtm -----------------------------------------------------------------------


def test_mtm_cannot_move_a_protected_identity(hidden, library_b, mtm):
    error = refusal(TransferRequest.move_by_mtm, hidden, to_library=library_b, by=mtm)
    assert (error.code, says(error)) == ("protected", CANNOT_BE_MOVED)


def test_mtm_moving_to_the_current_library_says_so(borrower_a, library_a, mtm):
    error = refusal(TransferRequest.move_by_mtm, borrower_a, to_library=library_a, by=mtm)
    assert error.code == "same_library"
    assert says(error) == "Låntagaren tillhör redan det biblioteket."


def test_mtm_moving_withdraws_a_pending_request_and_mails_the_borrower(
    borrower_a, library_b, library_c, registrar, mtm, mailoutbox
):
    pending = TransferRequest.request(borrower_a, to_library=library_b, by=registrar)
    move = TransferRequest.move_by_mtm(borrower_a, to_library=library_c, by=mtm)

    pending.refresh_from_db()
    assert pending.status == Status.CANCELLED
    assert (move.from_library.name, move.to_library, move.pulled) == (
        "Bibliotek A",
        library_c,
        True,
    )
    assert mailoutbox[-1].to == [borrower_a.email]
    assert "MTM har flyttat ditt konto" in mailoutbox[-1].body
    assert OutgoingMail.objects.filter(kind=MailKind.TRANSFER_PULLED).get().context["by_mtm"]
