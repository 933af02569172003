"""Every identity lookup is a search: the "is this number or e-mail taken?" step of
every registrar's door is audited like *Sök användare* (a keyed hash, never the
value), counts toward the same hourly limit and stops there with the same message;
a protected identity's number or address typed by a registrar tells MTM at once."""

import pytest
import time_machine
from django.urls import reverse

from audit.log import keyed_hash
from audit.models import Action, AuditEvent, LookupDoor, LookupMatch, ProtectedLookupAlert
from borrowers.models import Borrower
from notifications.models import MailKind, OutgoingMail
from tests.factories import BorrowerFactory

from .conftest import ADULT, ADULT_2, LMA, create_url, valid_data

pytestmark = pytest.mark.django_db

REFUSED = "Du har sökt på ovanligt många person- eller samordningsnummer den här timmen."
CONTACT_MTM = "Personen kan inte registreras här. Kontakta MTM"
SECURITY = "sakerhet@mtm.example"
NORA = "nora.ny@post.example"


@pytest.fixture(autouse=True)
def _security_address(settings):
    settings.SECURITY_ALERT_EMAIL = SECURITY


def lookups(**filters):
    return AuditEvent.objects.filter(action=Action.SEARCHED, **filters)


def hashes(door) -> set[tuple[str, str]]:
    """(by, keyed hash) of the door's lookups; each term once per submit."""
    found = [(event.detail["by"], event.search_hash) for event in lookups(detail__door=door)]
    assert len(found) == len(set(found)), "a term recorded twice in one submit"
    return set(found)


def everything_stored() -> str:
    """Every audit event, alert and queued mail, as text: what must never hold a
    typed number or address in clear."""
    return str(
        [
            *AuditEvent.objects.values(),
            *ProtectedLookupAlert.objects.values(),
            *OutgoingMail.objects.filter(kind=MailKind.PROTECTED_LOOKUP).values(),
        ]
    )


# --- through each door: audited with the keyed hash ---------------------------------------


@pytest.mark.parametrize("kind", ["adult", "minor", "lma_adult", "lma_minor"])
def test_each_create_form_records_its_lookups_as_searches(kind, registrar_client, registrar):
    # Not saved (no agreement): the lookups alone.
    registrar_client.post(create_url(kind), valid_data(kind, agreement=None))
    identifier = LMA if kind.startswith("lma") else valid_data(kind)["identifier"].replace("-", "")
    assert hashes(f"create_{kind}") == {
        ("identity_number", keyed_hash(identifier)),
        ("email", keyed_hash(NORA)),
    }
    event = lookups().first()
    assert event.actor == registrar and event.library == registrar.library
    stored = everything_stored()
    assert identifier not in stored and NORA not in stored


def test_a_refused_create_is_a_lookup_too(registrar_client, library_b):
    """The answer "already at another library" is what the lookup is about."""
    BorrowerFactory(library=library_b, identifier=ADULT)
    page = registrar_client.post(create_url("adult"), valid_data("adult")).content.decode()
    assert "Användaren finns redan hos Bibliotek B." in page
    assert lookups(search_hash=keyed_hash(ADULT), detail__door="create_adult").count() == 1


@pytest.mark.parametrize(
    "typed",
    ["19850113-9995", "198501139995", "850113-9995", " 1985 0113 9995 ", "19850113\u20139995"],
)
def test_any_writing_of_a_number_is_one_term(typed, registrar_client):
    registrar_client.post(create_url("adult"), valid_data("adult", identifier=typed))
    assert lookups(detail__by="identity_number").get().search_hash == keyed_hash(ADULT)


def test_any_letter_case_of_an_address_is_one_term(registrar_client):
    registrar_client.post(create_url("adult"), valid_data("adult", email=" Nora.NY@Post.Example "))
    assert lookups(detail__by="email").get().search_hash == keyed_hash(NORA)


def test_a_number_in_other_digits_is_refused_before_any_lookup(registrar_client, library_b):
    BorrowerFactory(library=library_b, identifier=ADULT)
    arabic = "19850113-9995".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    page = registrar_client.post(
        create_url("adult"), valid_data("adult", identifier=arabic)
    ).content.decode()
    assert "Bibliotek B" not in page
    assert not lookups(detail__by="identity_number").exists()


def test_the_edit_form_looks_up_only_a_new_address(registrar_client, borrower_a):
    url = reverse("borrowers:edit", args=[borrower_a.code])
    data = {
        "first_name": borrower_a.first_name,
        "last_name": borrower_a.last_name,
        "email": borrower_a.email.upper(),
        "identifier": borrower_a.display_identifier,
        "library": borrower_a.library_id,
    }
    assert registrar_client.post(url, data).status_code == 302
    assert not lookups().exists()  # the saved address and number tell nothing new
    registrar_client.post(url, data | {"email": "Annie@Post.example"})
    assert hashes("edit") == {("email", keyed_hash("annie@post.example"))}


def test_the_pull_page_looks_up_a_changed_address(client, registrar_b, borrower_a):
    client.force_login(registrar_b)
    client.post(create_url("adult"), {"identifier": borrower_a.identifier})
    pull = reverse("transfers:pull", args=[borrower_a.code])
    client.post(pull, {"email": "Anna.Ny@Post.example"})  # no consent: shown again
    assert hashes("pull") == {("email", keyed_hash("anna.ny@post.example"))}
    assert "anna.ny@post.example" not in everything_stored()


def test_lma_to_personnummer_records_the_new_number(registrar_client, library_a):
    lma = BorrowerFactory(library=library_a, lma=True, identifier=LMA, email="lana@post.example")
    registrar_client.post(
        reverse("borrowers:replace_lma", args=[lma.code]),
        {
            "identifier": "19850113-9995",
            "first_name": "Lana",
            "last_name": "Lindqvist",
            "email": "lana@post.example",
            "agreement": "on",
        },
    )
    # The LMA account's own address moves with it: no lookup of anyone else.
    assert hashes("replace_lma") == {("identity_number", keyed_hash(ADULT))}


def test_the_student_application_records_its_address(registrar_client):
    registrar_client.post(
        reverse("applications:create_student"),
        {
            "first_name": "Mei",
            "last_name": "Chen",
            "email": "Mei.Chen@Student.example",
            "birth_date": "1998-04-12",
            "studies_end": "2026-12-31",
            "agreement": "on",
        },
    )
    assert hashes("student_application") == {("email", keyed_hash("mei.chen@student.example"))}


# --- the hourly limit ----------------------------------------------------------------------


@pytest.fixture
def _limit(settings):
    settings.SEARCH_LIMIT_PER_HOUR = 3


@pytest.mark.usefixtures("_limit")
def test_the_create_form_stops_at_the_hourly_limit_without_answering(
    registrar_client, registrar, library_b
):
    BorrowerFactory(library=library_b, identifier=ADULT_2)
    with time_machine.travel("2026-03-16 09:10 +01:00", tick=False):
        registrar_client.force_login(registrar)
        # One submit looks up a number and an address: two searches.
        registrar_client.post(create_url("adult"), valid_data("adult", first_name=""))
        registrar_client.get(reverse("borrowers:search"))
        registrar_client.post(reverse("borrowers:search"), {"q": "19850113-9995"})
        assert lookups(actor=registrar).exclude(search_hash="").count() == 3
        response = registrar_client.post(
            create_url("adult"), valid_data("adult", identifier="19900101-2385")
        )
        page = response.content.decode()
        assert REFUSED in page and "igen kl. 10:00" in page
        # No answer: the person at library B is not named, nothing is recorded.
        assert "Bibliotek B" not in page and "finns redan" not in page
        assert not Borrower.objects.filter(email=NORA).exists()
        assert lookups(actor=registrar).count() == 3
        # And Sök användare is refused too: one limit.
        assert (
            registrar_client.post(reverse("borrowers:search"), {"q": "19900101-2385"}).status_code
            == 429
        )
    assert AuditEvent.objects.filter(action=Action.UNUSUAL_SEARCHES, actor=registrar).count() == 1
    with time_machine.travel("2026-03-16 10:00 +01:00", tick=False):
        registrar_client.force_login(registrar)
        page = registrar_client.post(
            create_url("adult"), valid_data("adult", identifier="19900101-2385")
        ).content.decode()
        assert "Bibliotek B" in page


@pytest.mark.usefixtures("_limit")
def test_the_refusal_is_a_form_error_with_everything_typed_kept(registrar_client, registrar):
    with time_machine.travel("2026-03-16 09:10 +01:00", tick=False):
        registrar_client.force_login(registrar)
        for _ in range(2):
            registrar_client.post(reverse("applications:create_student"), {"email": "x@y.example"})
        registrar_client.post(reverse("applications:create_student"), {"email": "z@y.example"})
        response = registrar_client.post(create_url("adult"), valid_data("adult"))
    page = response.content.decode()
    assert response.context["form"].non_field_errors().as_data()[0].code == "too_many_searches"
    assert REFUSED in page and 'value="Nora"' in page
    assert not Borrower.objects.exists()


# --- a protected identity typed by a registrar ----------------------------------------------


def test_a_protected_number_typed_tells_mtm_at_once(registrar_client, registrar, mtm_staff):
    BorrowerFactory(protected=True, identifier=ADULT, email="skyddad@post.example")
    page = registrar_client.post(
        create_url("adult"), valid_data("adult", identifier="8501139995")
    ).content.decode()
    assert CONTACT_MTM in page
    alert = ProtectedLookupAlert.objects.get()
    assert (alert.staff, alert.library) == (registrar, registrar.library)
    assert (alert.door, alert.matched) == (LookupDoor.CREATE_ADULT, LookupMatch.IDENTITY_NUMBER)
    queued = OutgoingMail.objects.get(kind=MailKind.PROTECTED_LOOKUP)
    assert queued.to == SECURITY
    # The lookup itself is a search like any other.
    assert lookups(search_hash=keyed_hash(ADULT)).exists()
    stored = everything_stored()
    assert ADULT not in stored and "8501139995" not in stored


def test_the_mail_says_who_when_and_where_never_what(registrar_client, registrar, mailoutbox):
    BorrowerFactory(protected=True, identifier=ADULT, email="skyddad@post.example")
    with time_machine.travel("2026-03-16 09:10 +01:00", tick=False):
        registrar_client.force_login(registrar)
        registrar_client.post(create_url("adult"), valid_data("adult"))
    (sent,) = mailoutbox
    body = sent.body + str(sent.alternatives)
    assert sent.to == [SECURITY]
    assert registrar.email in body and registrar.library.name in body
    assert "2026-03-16 09:10" in body and "Skapa vuxen låntagare" in body
    for secret in (ADULT, "19850113-9995", "850113", "skyddad@post.example", NORA):
        assert secret not in body and secret not in sent.subject


def test_a_protected_address_typed_tells_mtm_too(registrar_client):
    BorrowerFactory(protected=True, identifier=ADULT_2, email="skyddad@post.example")
    page = registrar_client.post(
        create_url("adult"), valid_data("adult", email="SKYDDAD@post.example ")
    ).content.decode()
    assert CONTACT_MTM in page
    alert = ProtectedLookupAlert.objects.get()
    assert alert.matched == LookupMatch.EMAIL
    assert "skyddad@post.example" not in everything_stored().lower()


def test_a_protected_address_typed_on_the_pull_page_tells_mtm(client, registrar_b, borrower_a):
    BorrowerFactory(protected=True, identifier=ADULT_2, email="skyddad@post.example")
    client.force_login(registrar_b)
    client.post(create_url("adult"), {"identifier": borrower_a.identifier})
    client.post(
        reverse("transfers:pull", args=[borrower_a.code]),
        {"email": "Skyddad@Post.example", "consent": "on"},
    )
    assert ProtectedLookupAlert.objects.get().door == LookupDoor.PULL


def test_no_alert_without_a_security_address_configured_but_the_notice(settings, registrar_client):
    settings.SECURITY_ALERT_EMAIL = ""
    BorrowerFactory(protected=True, identifier=ADULT)
    registrar_client.post(create_url("adult"), valid_data("adult"))
    assert ProtectedLookupAlert.objects.count() == 1
    assert not OutgoingMail.objects.filter(kind=MailKind.PROTECTED_LOOKUP).exists()


def test_an_ordinary_number_raises_no_alert(registrar_client, library_b):
    BorrowerFactory(library=library_b, identifier=ADULT)
    registrar_client.post(create_url("adult"), valid_data("adult"))
    assert not ProtectedLookupAlert.objects.exists()


# --- MTM's notice in the admin ---------------------------------------------------------------


def test_mtm_sees_the_notice_and_marks_it_seen(client, registrar_client, mtm_staff, registrar):
    BorrowerFactory(protected=True, identifier=ADULT)
    registrar_client.post(create_url("adult"), valid_data("adult"))
    client.force_login(mtm_staff)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Skyddade identiteter inskrivna av registrerare" in index
    assert ADULT not in index
    alert = ProtectedLookupAlert.objects.get()
    changelist = reverse("admin:audit_protectedlookupalert_changelist")
    listing = client.get(changelist).content.decode()
    assert registrar.get_full_name() in listing and "Skapa vuxen låntagare" in listing
    response = client.post(
        changelist, {"action": "mark_seen", "_selected_action": [alert.pk]}, follow=True
    )
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.seen_by == mtm_staff and alert.seen_at is not None
    index = client.get(reverse("admin:index")).content.decode()
    assert "Skyddade identiteter inskrivna av registrerare" not in index


def test_mtm_staff_of_the_group_may_see_and_mark_alerts(db):
    from django.contrib.auth.models import Group

    from accounts.groups import MTM_STAFF_GROUP

    rights = set(
        Group.objects.get(name=MTM_STAFF_GROUP).permissions.values_list("codename", flat=True)
    )
    assert {"view_protectedlookupalert", "change_protectedlookupalert"} <= rights


def test_an_alert_is_marked_seen_once(registrar, mtm_staff):
    alert = ProtectedLookupAlert.objects.create(
        staff=registrar, door=LookupDoor.EDIT, matched=LookupMatch.EMAIL
    )
    assert alert.mark_seen(by=mtm_staff) is True
    assert alert.mark_seen(by=registrar) is False
    alert.refresh_from_db()
    assert alert.seen_by == mtm_staff
