"""*Slå ihop konton*: MTM joins one person's two accounts, choosing each value; the
history, requests, reminders, marks and mail of the other account follow; the
result obeys the rules of its kind; a permission of its own."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail as outbox
from django.urls import reverse
from django.utils import timezone

from applications.models import StudentApplication
from audit.log import record
from audit.models import Action, AuditEvent
from borrowers import merge
from borrowers.models import Borrower, ExpiryReminder, NotDuplicate, Service
from notifications.models import MailKind, MailStatus, OutgoingMail
from privacy.models import DeletionNotice
from tests.factories import BorrowerFactory, StaffFactory
from transfers.models import Status, TransferRequest

pytestmark = pytest.mark.django_db

SAME_DAY = ["194506177031", "194506177064"]


def merge_url(first, second):
    return reverse("admin:borrowers_borrower_merge", args=[first.pk, second.pk])


@pytest.fixture
def pair(library_a, library_b):
    today = timezone.localdate()
    first = BorrowerFactory(
        library=library_a,
        identifier=SAME_DAY[0],
        first_name="Åke",
        last_name="Öberg",
        email="ake.gammal@post.example",
        valid_until=today + timedelta(days=20),
    )
    second = BorrowerFactory(
        library=library_b,
        identifier=SAME_DAY[1],
        first_name="Ake",
        last_name="Oberg",
        email="ake@post.example",
        valid_until=None,
    )
    return first, second


def choose(first, second, **picked):
    """The merge form's data: every row from `first` unless `picked` names the account."""
    data = {
        name: str(picked.get(name, first).pk)
        for name in ["keep", "identifier", "first_name", "last_name", "email", "valid_until"]
    }
    data["library"] = str(picked.get("library", first).pk)
    data["guardian"] = str(picked.get("guardian", first).pk)
    return data


def test_a_merge_keeps_the_chosen_values_and_deletes_the_other(mtm_client, mtm_user, pair):
    first, second = pair
    laddare, strommare = Service.objects.all()[:2]
    first.services.set([laddare])
    second.services.set([strommare])
    page = mtm_client.get(merge_url(first, second))
    assert page.status_code == 200
    assert set(page.context["form"]["services"].initial) == {laddare.pk, strommare.pk}

    data = choose(first, second, email=second, valid_until=second, library=second)
    data["services"] = [laddare.pk, strommare.pk]
    response = mtm_client.post(merge_url(first, second), data)

    assert response.status_code == 302
    assert not Borrower.objects.filter(pk=second.pk).exists()
    kept = Borrower.objects.get(pk=first.pk)
    assert (kept.identifier, kept.first_name) == (SAME_DAY[0], "Åke")
    assert (kept.email, kept.valid_until, kept.library) == (
        "ake@post.example",
        None,
        second.library,
    )
    assert set(kept.services.all()) == {laddare, strommare}
    merged = AuditEvent.objects.get(action=Action.MERGED, borrower_code=kept.code)
    assert merged.detail == {"merged_from": str(second.code)} and merged.actor == mtm_user
    assert set(merged.fields) >= {"email", "valid_until", "library", "services"}
    deleted = AuditEvent.objects.get(action=Action.DELETED, borrower_code=second.code)
    assert deleted.detail == {"merged_into": str(kept.code)}
    mails = OutgoingMail.objects.filter(kind=MailKind.ACCOUNTS_MERGED)
    assert [(m.to, m.context) for m in mails] == [("ake@post.example", {"borrower": kept.pk})]


def test_keeping_the_second_account(mtm_client, pair):
    first, second = pair
    mtm_client.post(merge_url(first, second), choose(first, second, keep=second))
    kept = Borrower.objects.get()
    assert kept.pk == second.pk and kept.identifier == SAME_DAY[0]
    assert kept.email == "ake.gammal@post.example"


def test_everything_pointing_at_the_other_account_follows(
    mtm_user, pair, library_a, library_c, registrar
):
    first, second = pair
    third = BorrowerFactory(library=library_a)
    today = timezone.localdate()
    pending = TransferRequest.request(second, to_library=library_c, by=None)
    history = TransferRequest.move_by_mtm(first, to_library=library_c, by=mtm_user)
    ExpiryReminder.objects.create(borrower=second, valid_until=today + timedelta(days=5))
    ExpiryReminder.objects.create(borrower=first, valid_until=first.valid_until)
    ExpiryReminder.objects.create(borrower=second, valid_until=first.valid_until)
    NotDuplicate.objects.create(
        first=min(second, third, key=lambda b: b.pk), second=max(second, third, key=lambda b: b.pk)
    )
    DeletionNotice.objects.create(
        borrower=second, valid_until=today, listed_on=today, delete_on=today + timedelta(days=30)
    )
    application = StudentApplication.objects.create(
        library=library_a,
        applied_by=registrar,
        first_name="Åke",
        last_name="Öberg",
        email="x@student.example",
        birth_date=date(1945, 6, 17),
        studies_end=today + timedelta(days=100),
        borrower=second,
    )
    # Still waiting for the worker (the tests' task backend would send it at once).
    queued = OutgoingMail.objects.create(
        kind=MailKind.BORROWER_CREDENTIALS, to=second.email, context={"borrower": second.pk}
    )
    record(Action.VIEWED, borrower=second)

    kept = merge.merge(keep=first, other=second, by=mtm_user, sources={"email": first.pk})

    assert set(kept.transfer_requests.all()) >= {pending, history}
    pending.refresh_from_db()
    assert pending.status == Status.CANCELLED
    assert sorted(kept.reminders.values_list("valid_until", flat=True)) == sorted(
        [today + timedelta(days=5), first.valid_until]
    )
    mark = NotDuplicate.objects.get()
    assert {mark.first_id, mark.second_id} == {kept.pk, third.pk}
    assert not DeletionNotice.objects.exists()
    application.refresh_from_db()
    assert application.borrower == kept
    queued.refresh_from_db()
    assert queued.context["borrower"] == kept.pk and queued.status == MailStatus.CANCELLED
    # The audit log is append-only: the kept account's history names the other's code.
    assert merge.merged_codes(kept.code) == [str(kept.code), str(second.code)]


def test_every_relation_to_borrowers_is_handled_by_merge():
    """A new model pointing at borrowers fails here until merge.RELATIONS handles it."""
    assert sorted(merge.relations_to_borrower()) == sorted(merge.RELATIONS)


def test_the_history_link_shows_both_accounts_events(mtm_client, mtm_user, pair):
    first, second = pair
    record(Action.VIEWED, borrower=second)
    merge.merge(keep=first, other=second, by=mtm_user, sources={})
    response = mtm_client.get(reverse("admin:borrowers_borrower_history", args=[first.pk]))
    events = mtm_client.get(response["Location"]).context["cl"].result_list
    assert {str(e.borrower_code) for e in events} == {str(first.code), str(second.code)}


def test_the_result_must_pass_the_rules_of_its_kind(mtm_client, library_a, library_b):
    """A coordination number needs a validity of at most a year: taking the number
    of one account and the open-ended validity of the other is refused."""
    sam = BorrowerFactory(library=library_a, samordningsnummer=True, email="s@post.example")
    person = BorrowerFactory(library=library_b, valid_until=None, email="p@post.example")
    response = mtm_client.post(merge_url(sam, person), choose(sam, person, valid_until=person))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="errornote"' in page and 'href="#id_valid_until_0"' in page
    assert "samordningsnummer" in page
    assert Borrower.objects.filter(pk__in=[sam.pk, person.pk]).count() == 2
    assert not AuditEvent.objects.filter(action=Action.MERGED).exists()


def test_a_protected_identity_stays_protected(mtm_client, library_a):
    protected = BorrowerFactory(protected=True, email="skyddad@post.example")
    other = BorrowerFactory(library=library_a, email="annan@post.example")
    page = mtm_client.get(merge_url(other, protected))
    assert "library" not in page.context["form"].fields
    data = choose(other, protected, keep=other)
    for name in ("first_name", "last_name", "library", "guardian"):
        data.pop(name)
    response = mtm_client.post(merge_url(other, protected), data)
    assert response.status_code == 302
    kept = Borrower.objects.get()
    assert kept.protected_identity and kept.library is None and kept.first_name == ""


def test_the_action_needs_exactly_two_borrowers(mtm_client, pair, library_a):
    first, second = pair
    url = reverse("admin:borrowers_borrower_changelist")
    response = mtm_client.post(
        url, {"action": "merge_two", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == merge_url(*sorted([first, second], key=lambda b: b.pk))
    third = BorrowerFactory(library=library_a)
    response = mtm_client.post(
        url,
        {"action": "merge_two", "_selected_action": [first.pk, second.pk, third.pk]},
        follow=True,
    )
    assert "exakt två" in response.content.decode()


def test_merging_is_a_permission_of_its_own(client, pair):
    first, second = pair
    staff = StaffFactory(email="utan@mtm.example", library=None, role="", is_staff=True)
    group = Group.objects.get(name="MTM-personal")
    assert group.permissions.filter(codename="merge_borrower").exists()
    staff.user_permissions.set(group.permissions.exclude(codename="merge_borrower"))
    client.force_login(staff)
    assert client.get(merge_url(first, second)).status_code == 403
    assert client.post(merge_url(first, second), choose(first, second)).status_code == 403
    actions = client.get(reverse("admin:borrowers_borrower_changelist")).context["action_form"]
    assert "merge_two" not in dict(actions.fields["action"].choices)
    assert Borrower.objects.count() == 2
    staff.user_permissions.add(Permission.objects.get(codename="merge_borrower"))
    assert client.get(merge_url(first, second)).status_code == 200


def test_the_merge_mail_is_in_swedish(mtm_user, pair):
    first, second = pair
    merge.merge(keep=first, other=second, by=mtm_user, sources={})
    [queued] = OutgoingMail.objects.filter(kind=MailKind.ACCOUNTS_MERGED)
    assert queued.language == "sv"


def test_the_record_of_an_imported_account_follows_unless_the_kept_has_its_own(
    mtm_user, pair, library_a
):
    from imports.models import ImportedAccount

    first, second = pair
    imported = ImportedAccount.objects.create(borrower=second)
    kept = merge.merge(keep=first, other=second, by=mtm_user, sources={})
    imported.refresh_from_db()
    assert imported.borrower == kept

    third = BorrowerFactory(library=library_a)
    ImportedAccount.objects.create(borrower=third)
    merge.merge(keep=kept, other=third, by=mtm_user, sources={})
    assert list(ImportedAccount.objects.values_list("pk", "borrower")) == [(imported.pk, kept.pk)]


def test_the_merge_mail_is_in_the_kept_accounts_language(mtm_user, pair):
    first, second = pair
    Borrower.objects.filter(pk=first.pk).update(language="en")
    first.refresh_from_db()
    merge.merge(keep=first, other=second, by=mtm_user, sources={})
    [queued] = OutgoingMail.objects.filter(kind=MailKind.ACCOUNTS_MERGED)
    assert queued.language == "en"
    assert outbox.outbox[-1].subject == "Your two Legimus accounts are now one"
