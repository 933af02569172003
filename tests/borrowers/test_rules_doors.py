"""Each borrower rule answers alike through every door that can break it.

The doors are the forms themselves: the registrar's create forms, the
registrar's edit form, the pull page's form, MTM's admin form (add and change),
and for the adult rule the lists, Mina sidor and the login check. A door that
answered differently (another code, other words, or no refusal) fails the test.
Each rule lives in borrowers/rules.py (or Identity / Borrower for the adult rule).
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from borrowers.forms.admin import BorrowerAdminForm
from borrowers.forms.manage import BorrowerEditForm
from borrowers.forms.register import CREATE_FORMS
from borrowers.models import Borrower
from selfservice.models import ServiceToken
from tests.borrowers.manage.conftest import SAME_PERSONS_PERSONNUMMER
from tests.borrowers.register.conftest import valid_data
from tests.factories import ADULT_SAMORDNINGSNUMMER, TEST_PASSWORD, BorrowerFactory
from transfers.forms import PullForm

TODAY = date(2026, 3, 16)
SAMORDNINGSNUMMER = "193001612385"  # born 1930-01-01 (day + 60)
NEW_SAMORDNINGSNUMMER = next(n for n in ADULT_SAMORDNINGSNUMMER if n != SAMORDNINGSNUMMER)
MINOR = "201501012395"  # born 2015-01-01
TURNS_18 = "200806032389"  # born 2008-06-03: 18 on 2026-06-03

CONTACT_MTM = "Personen kan inte registreras här. Kontakta MTM: 08-580 02 710, info@mtm.se."
TAKEN = (
    "En annan låntagare har redan den här e-postadressen. Varje låntagare behöver en egen, "
    "eftersom den används för att logga in."
)
OWN = "Det här är din egen e-postadress. Ange låntagarens egen adress: du får inte registrera dig själv."


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(f"{TODAY} 12:00", tick=False)


def first_error(form, field):
    form.is_valid()
    errors = form.errors.as_data().get(field)
    return (errors[0].code, errors[0].messages[0]) if errors else None


def admin_form(staff, data, instance=None):
    form_class = type("Form", (BorrowerAdminForm,), {"staff": staff})
    return form_class(data, instance=instance)


def admin_data(borrower=None, **changes):
    data = {"agreement": "on", "first_name": "Nora", "last_name": "Ny"}
    if borrower is not None:
        data = {
            "number": borrower.display_identifier,
            "email": borrower.email,
            "first_name": borrower.first_name,
            "last_name": borrower.last_name,
            "library": borrower.library_id,
            "valid_until": f"{borrower.valid_until:%Y-%m-%d}" if borrower.valid_until else "",
        }
    return data | changes


def edit_data(borrower, **changes):
    data = {
        "first_name": borrower.first_name,
        "last_name": borrower.last_name,
        "email": borrower.email,
        "valid_until": f"{borrower.valid_until:%Y-%m-%d}" if borrower.valid_until else "",
        "library": borrower.library_id,
        "lma_number" if borrower.id_kind == "lma" else "identifier": borrower.display_identifier,
    }
    if borrower.registered_as_minor:
        data |= {"guardian_birth_date": f"{borrower.guardian_birth_date:%Y-%m-%d}"}
    return data | changes


def edit_form(registrar, borrower, **changes):
    return BorrowerEditForm(
        edit_data(borrower, **changes),
        borrower=borrower,
        registrar=registrar,
        today=timezone.localdate(),
    )


# --- validity: samordningsnummer at most the same date next year -------------------------


@pytest.fixture
def validity_doors(registrar, mtm_staff, library_a):
    """Each door, given a validity for a samordningsnummer account, answers for valid_until."""
    borrower = BorrowerFactory(
        library=library_a, samordningsnummer=True, identifier=SAMORDNINGSNUMMER
    )
    return {
        "create": lambda valid: first_error(
            CREATE_FORMS["adult"](
                valid_data("adult", identifier=NEW_SAMORDNINGSNUMMER, valid_until=valid),
                registrar=registrar,
            ),
            "valid_until",
        ),
        "edit": lambda valid: first_error(
            edit_form(registrar, borrower, valid_until=valid), "valid_until"
        ),
        "admin-add": lambda valid: first_error(
            admin_form(
                mtm_staff,
                admin_data(
                    number=NEW_SAMORDNINGSNUMMER,
                    email="ny@post.example",
                    library=library_a.pk,
                    valid_until=valid,
                ),
            ),
            "valid_until",
        ),
        "admin-change": lambda valid: first_error(
            admin_form(mtm_staff, admin_data(borrower, valid_until=valid), instance=borrower),
            "valid_until",
        ),
    }


TOO_FAR = (
    "Ett konto med samordningsnummer gäller högst ett år från i dag, alltså senast till och "
    "med {latest}. Du kan förlänga det igen senare."
)


@pytest.mark.parametrize(
    ("today", "valid_until", "expected"),
    [
        pytest.param(TODAY, "2027-03-16", None, id="the-same-date-next-year"),
        pytest.param(
            TODAY,
            "2027-03-17",  # today + 366 days: one day too many
            ("too_far", TOO_FAR.format(latest="2027-03-16")),
            id="one-day-more",
        ),
        pytest.param(date(2028, 2, 29), "2029-02-28", None, id="leap-day-gives-28-february"),
        pytest.param(
            date(2028, 2, 29),
            "2029-03-01",  # today + 366 days again
            ("too_far", TOO_FAR.format(latest="2029-02-28")),
            id="leap-day-1-march-is-too-far",
        ),
        pytest.param(
            TODAY,
            "",
            (
                "required_for_samordningsnummer",
                "Skriv till och med vilket datum kontot gäller. Ett konto med samordningsnummer "
                "måste ha ett slutdatum, högst ett år framåt.",
            ),
            id="required",
        ),
        pytest.param(
            TODAY,
            "2026-03-15",
            ("past", "Datumet har redan passerat. Ange dagens datum eller ett senare."),
            id="past",
        ),
    ],
)
def test_samordningsnummer_validity_is_the_same_at_every_door(
    validity_doors, time_machine, today, valid_until, expected
):
    time_machine.move_to(f"{today} 12:00", tick=False)
    answers = {door: answer(valid_until) for door, answer in validity_doors.items()}
    assert answers == dict.fromkeys(validity_doors, expected)


LMA_PAST = (
    "LMA-kortet har gått ut. Ett konto kräver ett giltigt kort: ange dagens datum eller ett senare."
)


def test_an_expired_lma_card_is_named_at_every_door(registrar, mtm_staff, library_a):
    # A registrar typing yesterday's date from an LMA card is told the card has
    # expired, not the general "the date has passed": through every door.
    lma = BorrowerFactory(library=library_a, lma=True, identifier="99000011")
    yesterday = "2026-03-15"
    answers = {
        "create": first_error(
            CREATE_FORMS["lma_adult"](
                valid_data("lma_adult", identifier="99-000012", valid_until=yesterday),
                registrar=registrar,
            ),
            "valid_until",
        ),
        "edit": first_error(edit_form(registrar, lma, valid_until=yesterday), "valid_until"),
        "admin-add": first_error(
            admin_form(
                mtm_staff,
                admin_data(
                    number="99-000012",
                    email="ny@post.example",
                    library=library_a.pk,
                    valid_until=yesterday,
                ),
            ),
            "valid_until",
        ),
        "admin-change": first_error(
            admin_form(mtm_staff, admin_data(lma, valid_until=yesterday), instance=lma),
            "valid_until",
        ),
    }
    assert answers == dict.fromkeys(answers, ("past", LMA_PAST))


# --- the guardian: 18 or older ---------------------------------------------------------------


@pytest.fixture
def guardian_doors(registrar, mtm_staff, library_a):
    minor = BorrowerFactory(library=library_a, minor=True, identifier=MINOR)
    return {
        "create": lambda born: first_error(
            CREATE_FORMS["minor"](
                valid_data("minor", guardian_birth_date=born), registrar=registrar
            ),
            "guardian_birth_date",
        ),
        "edit": lambda born: first_error(
            edit_form(registrar, minor, guardian_birth_date=born), "guardian_birth_date"
        ),
        "admin-add": lambda born: first_error(
            admin_form(
                mtm_staff,
                admin_data(
                    number=MINOR,
                    email="ny@post.example",
                    library=library_a.pk,
                    guardian_birth_date=born,
                ),
            ),
            "guardian_birth_date",
        ),
        "admin-change": lambda born: first_error(
            admin_form(mtm_staff, admin_data(minor, guardian_birth_date=born), instance=minor),
            "guardian_birth_date",
        ),
    }


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        pytest.param("2008-03-16", None, id="18-today"),
        pytest.param(
            "2008-03-17",
            (
                "guardian_minor",
                "Vårdnadshavaren måste vara 18 år eller äldre. Kontrollera vårdnadshavarens "
                "födelsedatum.",
            ),
            id="18-tomorrow",
        ),
        pytest.param(
            "2026-03-16",
            (
                "guardian_minor",
                "Vårdnadshavaren måste vara 18 år eller äldre. Kontrollera vårdnadshavarens "
                "födelsedatum.",
            ),
            id="born-today-is-a-minor-not-the-future",
        ),
        pytest.param(
            "2026-03-17",
            ("future", "Vårdnadshavarens födelsedatum kan inte vara senare än i dag."),
            id="born-tomorrow",
        ),
    ],
)
def test_the_guardians_age_is_the_same_at_every_door(guardian_doors, born, expected):
    answers = {door: answer(born) for door, answer in guardian_doors.items()}
    assert answers == dict.fromkeys(guardian_doors, expected)


# --- e-mail: unique among borrowers, not one's own, a protected identity's -------------------


@pytest.fixture
def email_doors(registrar, mtm_staff, library_a, library_b):
    """(door, who asks) -> answer for an e-mail typed into it."""
    edited = BorrowerFactory(library=library_a)
    elsewhere = BorrowerFactory(library=library_b)
    return {
        "create": lambda staff, email: first_error(
            CREATE_FORMS["adult"](valid_data("adult", email=email), registrar=staff), "email"
        ),
        "edit": lambda staff, email: first_error(edit_form(staff, edited, email=email), "email"),
        "pull": lambda staff, email: first_error(
            PullForm({"email": email, "consent": "on"}, staff=staff, borrower=elsewhere),
            "email",
        ),
        "admin-add": lambda staff, email: first_error(
            admin_form(
                staff,
                admin_data(number="19850113-9995", email=email, library=library_a.pk),
            ),
            "email",
        ),
        "admin-change": lambda staff, email: first_error(
            admin_form(staff, admin_data(edited, email=email), instance=edited), "email"
        ),
    }


REGISTRAR_DOORS = ["create", "edit", "pull"]
ADMIN_DOORS = ["admin-add", "admin-change"]


def ask(doors, names, staff, email):
    return {name: doors[name](staff, email) for name in names}


def test_another_borrowers_email_in_any_case_is_taken_at_every_door(
    email_doors, registrar, mtm_staff
):
    other = BorrowerFactory(email="upptagen@post.example")
    for names, staff in ((REGISTRAR_DOORS, registrar), (ADMIN_DOORS, mtm_staff)):
        for typed in (other.email.upper(), f"  {other.email.title()} "):
            answers = ask(email_doors, names, staff, typed)
            assert answers == dict.fromkeys(names, ("taken", TAKEN))


def test_a_protected_identitys_email_gets_contact_mtm_from_registrars_and_taken_from_mtm(
    email_doors, registrar, mtm_staff
):
    # One policy: a registrar learns only that the person cannot be registered
    # (SPEC §2); MTM, who manage the account, hear that the address is taken.
    protected = BorrowerFactory(protected=True)
    assert ask(email_doors, REGISTRAR_DOORS, registrar, protected.email) == dict.fromkeys(
        REGISTRAR_DOORS, ("contact_mtm", CONTACT_MTM)
    )
    assert ask(email_doors, ADMIN_DOORS, mtm_staff, protected.email) == dict.fromkeys(
        ADMIN_DOORS, ("taken", TAKEN)
    )


def test_a_library_account_marked_as_mtm_staff_still_gets_contact_mtm(email_doors, registrar):
    # MTM is staff *without* a library: a library's account that also has the
    # MTM-staff box ticked is still a registrar and learns nothing more.
    registrar.is_staff = True
    registrar.save(update_fields=["is_staff"])
    protected = BorrowerFactory(protected=True)
    assert ask(email_doors, REGISTRAR_DOORS, registrar, protected.email) == dict.fromkeys(
        REGISTRAR_DOORS, ("contact_mtm", CONTACT_MTM)
    )


def test_the_staff_members_own_email_is_refused_at_every_door(email_doors, registrar, mtm_staff):
    for names, staff in ((REGISTRAR_DOORS, registrar), (ADMIN_DOORS, mtm_staff)):
        answers = ask(email_doors, names, staff, staff.email.upper())
        assert answers == dict.fromkeys(names, ("own_email", OWN))


# --- what may change on an account's number ---------------------------------------------------


@pytest.fixture
def number_doors(registrar, mtm_staff):
    def edit(borrower, number):
        field = "lma_number" if borrower.id_kind == "lma" else "identifier"
        return first_error(edit_form(registrar, borrower, **{field: number}), field)

    def admin_change(borrower, number):
        form = admin_form(mtm_staff, admin_data(borrower, number=number), instance=borrower)
        return first_error(form, "number")

    return {"edit": edit, "admin-change": admin_change}


@pytest.mark.parametrize(
    ("account", "number", "expected"),
    [
        pytest.param("lma", "99-000012", None, id="lma-new-card"),
        pytest.param(
            "lma",
            "19850113-9995",
            (
                "lma_to_personnummer",
                "Ett konto med LMA-nummer kan inte göras om till ett konto med personnummer. "
                "När personen har fått ett personnummer skapar du ett nytt konto med "
                "personnumret och raderar sedan det här kontot med LMA-nummer.",
            ),
            id="lma-to-personnummer",
        ),
        pytest.param(
            "samordningsnummer", SAME_PERSONS_PERSONNUMMER, None, id="same-persons-personnummer"
        ),
        pytest.param(
            "samordningsnummer",
            "19850113-9995",
            (
                "other_person",
                "Personnumret måste ha samma födelsedatum som samordningsnumret det ersätter.",
            ),
            id="another-persons-personnummer",
        ),
    ],
)
def test_what_may_change_on_an_lma_or_samordningsnummer_account_is_the_same_at_every_door(
    number_doors, library_a, account, number, expected
):
    borrower = BorrowerFactory(
        library=library_a,
        **(
            {"lma": True, "identifier": "99000011"}
            if account == "lma"
            else {"samordningsnummer": True, "identifier": SAMORDNINGSNUMMER}
        ),
    )
    answers = {door: answer(borrower, number) for door, answer in number_doors.items()}
    assert answers == dict.fromkeys(number_doors, expected)


def test_mtm_cannot_turn_a_samordningsnummer_account_into_an_lma_account(number_doors, library_a):
    # MTM's one number field reads an LMA number (the registrar's field refuses
    # one by its shape); the account itself cannot change kind.
    borrower = BorrowerFactory(
        library=library_a, samordningsnummer=True, identifier=SAMORDNINGSNUMMER
    )
    assert number_doors["admin-change"](borrower, "99-000012") == (
        "personnummer_to_lma",
        "Ett konto med personnummer eller samordningsnummer kan inte ändras till ett konto med "
        "LMA-nummer. Skapa ett nytt konto med LMA-numret och radera sedan det här kontot.",
    )


def test_only_mtm_corrects_a_personnummer(number_doors, library_a):
    borrower = BorrowerFactory(library=library_a, identifier="198501139995")
    assert number_doors["edit"](borrower, "19900101-2385") == (
        "unchangeable",
        "Numret kan inte ändras. Det går bara att ersätta ett samordningsnummer med samma "
        "persons personnummer. Kontakta MTM om numret är fel.",
    )
    assert number_doors["admin-change"](borrower, "19900101-2385") is None


# --- adult: 18 from the 18th birthday, everywhere --------------------------------------------


@pytest.mark.parametrize(
    ("today", "adult"),
    [pytest.param("2026-06-02", False, id="day-before"), pytest.param("2026-06-03", True, id="18")],
)
def test_adult_from_the_18th_birthday_at_every_door(
    time_machine, client, registrar, library_a, today, adult
):
    time_machine.move_to(f"{today} 12:00", tick=False)
    day = date.fromisoformat(today)
    right_form = "adult" if adult else "minor"
    wrong_form = "minor" if adult else "adult"
    answers = {
        "create-right-form": first_error(
            CREATE_FORMS[right_form](
                valid_data(right_form, identifier=TURNS_18), registrar=registrar
            ),
            "identifier",
        ),
        "create-wrong-form": first_error(
            CREATE_FORMS[wrong_form](
                valid_data(wrong_form, identifier=TURNS_18), registrar=registrar
            ),
            "identifier",
        )[0],
    }
    borrower = BorrowerFactory(library=library_a, identifier=TURNS_18, minor=True)
    borrower.set_password(TEST_PASSWORD)
    borrower.save()
    token = ServiceToken(name="Legimus")
    plain = token.generate()
    token.save()
    response = client.post(
        reverse("api:authenticate"),
        {"email": borrower.email, "password": TEST_PASSWORD},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    answers |= {
        "lists": Borrower.objects.adults(day).filter(pk=borrower.pk).exists(),
        "model": borrower.is_adult(day),
        "login-check-api": response.json()["borrower"]["adult"],
    }
    assert answers == {
        "create-right-form": None,
        "create-wrong-form": "minor" if not adult else "adult",
        "lists": adult,
        "model": adult,
        "login-check-api": adult,
    }


# --- a protected identity stores and shows only its number, e-mail, validity, groups ---------


def test_a_protected_identity_keeps_no_place_whichever_door_made_it(
    registrar_client, registrar, client, mtm_staff, library_a
):
    registrar_client.post(
        reverse("borrowers:create_adult"),
        valid_data("adult", email="via-registrar@post.example", protected_identity="on"),
    )
    client.force_login(mtm_staff)
    client.post(
        reverse("admin:borrowers_borrower_add"),
        admin_data(
            number="19900101-2385",
            email="via-admin-add@post.example",
            library=library_a.pk,
            protected_identity="on",
        ),
    )
    changed = BorrowerFactory(library=library_a, email="via-admin-change@post.example")
    client.post(
        reverse("admin:borrowers_borrower_change", args=[changed.pk]),
        admin_data(changed, protected_identity="on"),
    )
    doors = ["via-registrar", "via-admin-add", "via-admin-change"]
    borrowers = {door: Borrower.objects.get(email=f"{door}@post.example") for door in doors}
    nothing = {"stored": dict(Borrower.PLACE_FIELDS), "shown": "Skyddad identitet"}
    answers = {
        door: {
            "stored": {name: getattr(b, name) for name in Borrower.PLACE_FIELDS},
            "shown": str(b),
        }
        for door, b in borrowers.items()
    }
    assert answers == dict.fromkeys(doors, nothing)
    assert not Borrower.objects.visible_to(registrar).filter(protected_identity=True).exists()


# --- one account per person --------------------------------------------------------------------


def test_a_number_that_has_an_account_is_refused_at_every_door_that_changes_one(
    registrar, mtm_staff, library_a, number_doors
):
    lma = BorrowerFactory(library=library_a, lma=True, identifier="99000011")
    BorrowerFactory(library=library_a, lma=True, identifier="99000012")
    BorrowerFactory(protected=True, lma=True, identifier="99000013")
    taken = (
        "taken",
        "Ett annat låntagarkonto har redan det här numret. En person har bara ett konto i hela "
        "landet. Kontakta MTM om du behöver hjälp.",
    )
    assert {door: answer(lma, "99-000012") for door, answer in number_doors.items()} == {
        "edit": taken,
        "admin-change": taken,
    }
    # A protected identity's number: registrars learn only to contact MTM.
    assert {door: answer(lma, "99-000013") for door, answer in number_doors.items()} == {
        "edit": ("contact_mtm", CONTACT_MTM),
        "admin-change": taken,
    }
