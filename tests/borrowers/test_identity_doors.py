"""Identity numbers read alike through every door: the registrar's number fields
(create, edit and pull forms use them), MTM's admin form and both search boxes.

Each case asserts the ValidationError code and the Swedish words the user reads.
"""

from datetime import date

import pytest
from django import forms
from django.urls import reverse

from borrowers.forms.admin import BorrowerAdminForm
from borrowers.forms.fields import LmaNumberField, PersonalNumberField
from borrowers.identity import from_stored
from borrowers.models import Borrower
from borrowers.search import search_borrowers
from tests.factories import BorrowerFactory

# 192612239232 is a Skatteverket test personnummer: born 1926-12-23, 100 in December 2026.
CENTENARIAN = "192612239232"

PLUS_THIS_YEAR = (
    "Kontrollera tecknet före de fyra sista siffrorna: med - ger numret ett födelsedatum som "
    "är senare än i dag. Den som fyller 100 år i år, eller är äldre, skrivs med + i stället, "
    "till exempel ÅÅMMDD+NNNN."
)
SERIAL = "Kontrollera de fyra sista siffrorna: de tre siffrorna före den sista är aldrig 000."
CENTURY = (
    "Kontrollera de två första siffrorna: ett nummer med 12 siffror börjar med "
    "födelseårhundradet, 18, 19 eller 20."
)
BIRTH_DATE_ONLY = (
    "Det här är bara ett födelsedatum. Ett fullständigt personnummer behöver också de fyra "
    "sista siffrorna, till exempel ÅÅÅÅMMDD-NNNN. Ett LMA-nummer skrivs XX-XXXXXX."
)
LOOKS_LIKE_LMA = (
    "Det här ser ut som ett LMA-nummer (åtta siffror, XX-XXXXXX). Skriv ett person- eller "
    "samordningsnummer med 10 eller 12 siffror, eller registrera låntagaren med formuläret för "
    "personer med LMA-kort."
)
FUTURE = "Kontrollera födelsedatumet: numret ger ett födelsedatum som är senare än i dag."
LMA_SLASH = (
    "Skriv bara de åtta siffrorna före snedstrecket på LMA-kortet, som XX-XXXXXX. Det som står "
    "efter snedstrecket är kortets löpnummer."
)
LMA_PERSONAL_NUMBER = (
    "Det här är ett person- eller samordningsnummer, inte ett LMA-nummer. En låntagare som har "
    "ett sådant nummer registreras med det i stället."
)


def registrar_field(text: str):
    return PersonalNumberField().clean(text)


def admin_field(text: str):
    form = BorrowerAdminForm(data={"number": text})
    form.is_valid()
    errors = form.errors.as_data().get("number")
    if errors:
        raise errors[0]
    return form.cleaned_data["number"]


#: The doors that read a personnummer or samordningsnummer.
PERSONAL_DOORS = [
    pytest.param(registrar_field, id="registrar-create-edit-pull"),
    pytest.param(admin_field, id="mtm-admin"),
]


def refusal(door, text: str) -> tuple[str, str]:
    with pytest.raises(forms.ValidationError) as raised:
        door(text)
    return raised.value.code, raised.value.messages[0]


# --- the centenary: + from the YEAR someone turns 100 --------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("door", PERSONAL_DOORS)
@pytest.mark.parametrize(
    "today", [pytest.param("2026-12-01", id="1-december"), pytest.param("2026-12-31", id="31-dec")]
)
def test_plus_is_written_from_the_year_someone_turns_100(door, today, time_machine):
    # Before and after the birthday on 23 December alike: 100 this year means +.
    time_machine.move_to(f"{today} 12:00")
    assert door("261223+9232").value == CENTENARIAN


@pytest.mark.django_db
@pytest.mark.parametrize("door", PERSONAL_DOORS)
def test_dash_before_a_birthday_later_this_year_asks_for_plus(door, time_machine):
    # 1 December 2026 with -: born 2026-12-23 would be in the future.
    time_machine.move_to("2026-12-01 12:00")
    assert refusal(door, "261223-9232") == ("plus_this_year", PLUS_THIS_YEAR)


@pytest.mark.django_db
@pytest.mark.parametrize("door", PERSONAL_DOORS)
def test_dash_after_the_birthday_this_year_is_a_baby(door, time_machine):
    # 31 December 2026 with -: born eight days ago.
    time_machine.move_to("2026-12-31 12:00")
    identity = door("261223-9232")
    assert identity.value == "202612239232"
    assert identity.birth_date == date(2026, 12, 23)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today", [pytest.param("2026-12-01", id="1-december"), pytest.param("2026-12-31", id="31-dec")]
)
def test_search_finds_the_centenarian_written_with_plus(today, time_machine, library_a):
    time_machine.move_to(f"{today} 12:00")
    borrower = BorrowerFactory(library=library_a, identifier=CENTENARIAN)
    found = search_borrowers(Borrower.objects.all(), "261223+9232", today=date.fromisoformat(today))
    assert list(found.results) == [borrower]


# --- impossible numbers ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("door", PERSONAL_DOORS)
def test_the_individual_number_000_is_refused(door):
    # The check digit adds up; Skatteverket's individual numbers run 001-999.
    assert refusal(door, "19900101-0009") == ("serial", SERIAL)


@pytest.mark.django_db
@pytest.mark.parametrize("door", PERSONAL_DOORS)
@pytest.mark.parametrize("century", ["10", "17", "21"])
def test_a_century_other_than_18_19_or_20_is_refused(door, century):
    # The check digit covers the last ten digits only, so each of these adds up.
    assert refusal(door, f"{century}9001012385") == ("century", CENTURY)


@pytest.mark.django_db
@pytest.mark.parametrize("door", PERSONAL_DOORS)
def test_the_centuries_18_19_and_20_are_accepted(door):
    assert door("189001019802").value == "189001019802"
    assert door("199001012385").value == "199001012385"
    assert door("200711282384").value == "200711282384"


@pytest.mark.django_db
@pytest.mark.parametrize("door", PERSONAL_DOORS)
@pytest.mark.parametrize("born", ["19900101", "19851030", "20041231"])
def test_eight_digits_forming_a_birth_date_ask_for_the_last_four(door, born):
    # Both digits of the month and of the day count: 30 October and 31 December
    # are dates too, not LMA numbers.
    assert refusal(door, born) == ("birth_date_only", BIRTH_DATE_ONLY)


@pytest.mark.django_db
@pytest.mark.parametrize("door", PERSONAL_DOORS)
def test_eight_digits_of_todays_date_are_a_birth_date(door, time_machine):
    # A baby born today is registered on the day: their date is a birth date too.
    time_machine.move_to("2026-03-15 12:00")
    assert refusal(door, "20260315") == ("birth_date_only", BIRTH_DATE_ONLY)


@pytest.mark.django_db
@pytest.mark.parametrize("digits", ["19901332", "19900230", "17900101", "20260316"])
def test_eight_digits_that_are_no_birth_date_are_taken_for_an_lma_number(digits, time_machine):
    # Month 13, 30 February, the 1700s or tomorrow is no date of birth: eight such
    # digits are an LMA number typed into the wrong field (MTM's one field reads it
    # as one), not a personnummer missing its end.
    time_machine.move_to("2026-03-15 12:00")
    assert refusal(registrar_field, digits) == ("looks_like_lma", LOOKS_LIKE_LMA)
    assert admin_field(digits).display() == f"{digits[:2]}-{digits[2:]}"


# --- samordningsnummer with an unknown day ------------------------------------------------

# 201812602397: a test samordningsnummer born some day in December 2018 (day field 60).


@pytest.mark.django_db
@pytest.mark.parametrize("door", PERSONAL_DOORS)
def test_unknown_day_on_the_first_of_the_birth_month_may_be_born_today(door, time_machine):
    # Decided: the earliest possible birth date is the 1st, so on the 1st the
    # person may have been born today; they count as a newborn (a minor).
    time_machine.move_to("2018-12-01 12:00")
    identity = door("20181260-2397")
    assert identity.value == "201812602397"
    assert identity.age_on(date(2018, 12, 1)) == 0
    assert identity.is_adult_on(date(2018, 12, 1)) is False


@pytest.mark.django_db
@pytest.mark.parametrize("door", PERSONAL_DOORS)
def test_unknown_day_the_day_before_the_birth_month_is_the_future(door, time_machine):
    time_machine.move_to("2018-11-30 12:00")
    assert refusal(door, "20181260-2397") == ("future", FUTURE)


@pytest.mark.django_db
def test_mtm_admin_reads_an_mtm_temporary_number_in_its_one_field():
    # MTM corrects a student's account by the number the approval gave it.
    identity = admin_field("19981231-a123")
    assert (identity.kind, identity.value) == ("tillfalligt", "19981231A123")
    assert identity.birth_date == date(1998, 12, 31)


# --- LMA numbers --------------------------------------------------------------------------

#: The doors that read an LMA number.
LMA_DOORS = [
    pytest.param(LmaNumberField().clean, id="registrar-lma-field"),
    pytest.param(admin_field, id="mtm-admin"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("door", LMA_DOORS)
@pytest.mark.parametrize(
    "slash", [pytest.param("/", id="slash"), pytest.param("\uff0f", id="fullwidth-slash")]
)
def test_the_card_serial_after_a_slash_gets_the_slash_explanation(door, slash):
    assert refusal(door, f"99-000011{slash}1") == ("lma_slash", LMA_SLASH)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        pytest.param(
            "99-00001",
            "lma_length",
            "Ett LMA-nummer har åtta siffror och skrivs XX-XXXXXX. Kontrollera att ingen siffra "
            "saknas och att ingen är för mycket.",
            id="seven-digits-with-dash",
        ),
        pytest.param(
            "AB-000011",
            "lma_characters",
            "Ett LMA-nummer innehåller bara siffror och skrivs XX-XXXXXX. Ta bort bokstäver och "
            "andra tecken.",
            id="letters",
        ),
    ],
)
@pytest.mark.parametrize("door", LMA_DOORS)
def test_a_malformed_lma_number_gets_the_lma_message(door, text, code, message):
    assert refusal(door, text) == (code, message)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("192611128311", id="twelve-digits"),
        pytest.param("19261112-8311", id="twelve-digits-with-dash"),
        pytest.param("261112-8311", id="ten-digits"),
    ],
)
def test_a_personnummer_in_the_lma_field_is_named_as_one(text):
    # Not the length message: the check digit shows what it is.
    assert refusal(LmaNumberField().clean, text) == ("lma_personal_number", LMA_PERSONAL_NUMBER)


def test_eight_digits_in_the_lma_field_are_an_lma_number():
    # LMA numbers have no check digit: one may read like a date, and the LMA field
    # is where the registrar chose an LMA card.
    assert LmaNumberField().clean("19900101").value == "19900101"


# --- search boxes ---------------------------------------------------------------------------


def test_registrar_search_for_a_birth_date_says_what_is_missing(registrar_client):
    response = registrar_client.post(reverse("borrowers:search"), {"q": "19900101"}, follow=True)
    assert [str(message) for message in response.context["messages"]] == [BIRTH_DATE_ONLY]


def test_admin_search_for_a_birth_date_says_what_is_missing(client, mtm_staff):
    client.force_login(mtm_staff)
    changelist = reverse("admin:borrowers_borrower_changelist")
    response = client.post(changelist, {"q": "19900101", "_search": "Sök"}, follow=True)
    assert [str(message) for message in response.context["messages"]] == [BIRTH_DATE_ONLY]


# --- stored values ---------------------------------------------------------------------------


def test_a_stored_value_of_ten_digits_is_refused_not_read_as_year_8001():
    # Without the 12-digit guard "8001011234" would give a birth date in the year 8001.
    with pytest.raises(ValueError, match=r"^stored personnummer is not 12 digits$"):
        from_stored("personnummer", "8001011234")
