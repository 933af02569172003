"""borrowers.identity: Swedish personnummer, samordningsnummer and LMA numbers.

Pure tests: no Django, no database. Valid examples come from Skatteverket's
reserved test numbers (tests/data/), never from made-up numbers that could
belong to real people; invalid ones are derived from them or cannot exist.
"""

import ast
from datetime import date
from pathlib import Path

import pytest
from stdnum import luhn

from borrowers import identity
from borrowers.identity import (
    ERROR_CODES,
    MESSAGES,
    Identity,
    IdentityError,
    Kind,
    from_stored,
    normalise_search_term,
    parse_lma_number,
    parse_personal_number,
    parse_temporary_number,
)

DATA = Path(__file__).resolve().parent.parent / "data"
TODAY = date(2026, 11, 28)


def _numbers(file_name: str) -> list[str]:
    lines = (DATA / file_name).read_text(encoding="ascii").splitlines()
    return [line.strip() for line in lines if line.strip()]


TEST_PERSONNUMMER = _numbers("testpersonnummer.txt")
TEST_SAMORDNINGSNUMMER = _numbers("testsamordningsnummer.txt")


def parse(text: str, today: date = TODAY) -> Identity:
    return parse_personal_number(text, today=today)


def personal_error(text: str, today: date = TODAY) -> str:
    with pytest.raises(IdentityError) as raised:
        parse(text, today)
    return raised.value.code


def lma_error(text: str) -> str:
    with pytest.raises(IdentityError) as raised:
        parse_lma_number(text)
    return raised.value.code


def with_check_digit(first_eleven: str) -> str:
    """A 12-digit number whose Luhn digit is right, so only its date can be wrong."""
    return first_eleven + luhn.calc_check_digit(first_eleven[2:])


# --- the test data itself -------------------------------------------------------


def test_the_copied_test_data_has_the_documented_size() -> None:
    assert len(TEST_PERSONNUMMER) == 21_728
    assert len(TEST_SAMORDNINGSNUMMER) == 2_240


def test_every_skatteverket_test_personnummer_parses_as_personnummer() -> None:
    wrong = [
        number
        for number in TEST_PERSONNUMMER
        if (parsed := parse(number)).kind is not Kind.PERSONNUMMER or parsed.value != number
    ]
    assert wrong == []


def test_every_skatteverket_test_samordningsnummer_parses_as_samordningsnummer() -> None:
    wrong = [
        number
        for number in TEST_SAMORDNINGSNUMMER
        if (parsed := parse(number)).kind is not Kind.SAMORDNINGSNUMMER or parsed.value != number
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "numbers",
    [
        pytest.param(TEST_PERSONNUMMER, id="personnummer"),
        pytest.param(TEST_SAMORDNINGSNUMMER, id="samordningsnummer"),
    ],
)
def test_flipping_the_last_digit_of_a_test_number_fails_the_checksum(numbers: list[str]) -> None:
    codes = set()
    for number in numbers:
        flipped = number[:-1] + str((int(number[-1]) + 1) % 10)
        with pytest.raises(IdentityError) as raised:
            parse(flipped)
        codes.add(raised.value.code)
    assert codes == {"checksum"}


@pytest.mark.parametrize(
    "numbers",
    [
        pytest.param(TEST_PERSONNUMMER, id="personnummer"),
        pytest.param(TEST_SAMORDNINGSNUMMER, id="samordningsnummer"),
    ],
)
def test_every_test_number_survives_the_ten_digit_writing_with_the_right_separator(
    numbers: list[str],
) -> None:
    def ten_digits(number: str) -> str:
        # Skatteverket writes + from the YEAR someone turns 100, whatever the birthday.
        centenarian = int(number[:4]) + 100 <= TODAY.year
        return number[2:8] + ("+" if centenarian else "-") + number[8:]

    wrong = [number for number in numbers if parse(ten_digits(number)).value != number]
    assert wrong == []


def test_stored_test_numbers_rebuild_the_identity_they_were_parsed_into() -> None:
    wrong = [
        number
        for kind, numbers in (
            (Kind.PERSONNUMMER, TEST_PERSONNUMMER),
            (Kind.SAMORDNINGSNUMMER, TEST_SAMORDNINGSNUMMER),
        )
        for number in numbers
        if from_stored(kind, number) != parse(number)
    ]
    assert wrong == []


# --- accepted writings ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("200711282384", id="twelve-digits"),
        pytest.param("20071128-2384", id="twelve-digits-with-dash"),
        pytest.param("20071128+2384", id="twelve-digits-with-plus"),
        pytest.param("0711282384", id="ten-digits"),
        pytest.param("071128-2384", id="ten-digits-with-dash"),
        pytest.param("2007 11 28 2384", id="spaces-between-groups"),
        pytest.param("2 0 0 7 1 1 2 8 - 2 3 8 4", id="spaces-everywhere"),
        pytest.param("  071128 - 2384  ", id="leading-and-trailing-spaces"),
        pytest.param("\t20071128-2384\n", id="tab-and-newline-from-a-paste"),
        pytest.param("071128\u00a02384", id="no-break-space"),
        pytest.param("20071128\u20132384", id="en-dash-from-a-word-processor"),
        pytest.param("20071128\u22122384", id="minus-sign"),
    ],
)
def test_every_accepted_writing_gives_the_same_twelve_digits(text: str) -> None:
    assert parse(text) == Identity(Kind.PERSONNUMMER, "200711282384", date(2007, 11, 28))


# --- century inference ------------------------------------------------------------

# 192611128311 is a test personnummer born 12 November 1926.
BIRTHDAY_100 = date(2026, 11, 12)
DAY_BEFORE_100 = date(2026, 11, 11)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        pytest.param("261112+8311", BIRTHDAY_100, "192611128311", id="on-the-100th-birthday"),
        pytest.param("261112+8311", TODAY, "192611128311", id="after-the-100th-birthday"),
        pytest.param(
            "261112+8311", DAY_BEFORE_100, "192611128311", id="day-before-in-the-centenary-year"
        ),
        pytest.param("261112+8311", date(2026, 1, 1), "192611128311", id="new-years-day"),
        pytest.param("261112+8311", date(2025, 12, 31), "182611128311", id="the-year-before"),
        pytest.param("040229+9812", TODAY, "190402299812", id="leap-day-long-ago"),
        pytest.param("151079+2383", TODAY, "191510792383", id="samordningsnummer"),
    ],
)
def test_ten_digits_with_plus_means_a_centenarian(text: str, today: date, expected: str) -> None:
    assert parse(text, today).value == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        pytest.param("261112-8311", date(2025, 12, 31), "192611128311", id="dash-aged-99"),
        pytest.param("2611128311", date(2025, 12, 31), "192611128311", id="none-aged-99"),
        pytest.param("261112-8311", BIRTHDAY_100, "202611128311", id="dash-born-today"),
        pytest.param("2611128311", BIRTHDAY_100, "202611128311", id="none-born-today"),
        pytest.param("071128-2384", TODAY, "200711282384", id="this-century"),
        pytest.param("900101-9802", TODAY, "199001019802", id="last-century"),
        pytest.param("000229-2399", TODAY, "200002292399", id="leap-day-2000"),
        pytest.param("151079-2383", TODAY, "201510792383", id="samordningsnummer"),
    ],
)
def test_ten_digits_with_dash_or_no_separator_means_under_a_hundred(
    text: str, today: date, expected: str
) -> None:
    assert parse(text, today).value == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("192611128311", id="none"),
        pytest.param("19261112-8311", id="dash"),
        pytest.param("19261112+8311", id="plus"),
    ],
)
@pytest.mark.parametrize(
    "today",
    [pytest.param(DAY_BEFORE_100, id="aged-99"), pytest.param(BIRTHDAY_100, id="aged-100")],
)
def test_twelve_digits_ignore_the_separator(text: str, today: date) -> None:
    assert parse(text, today).value == "192611128311"


def test_plus_on_a_leap_day_in_a_century_without_one_is_no_date() -> None:
    # 200002292399 is a test number; with + it would mean 29 February 1900.
    assert personal_error("000229+2399") == "date"


# --- check digit, dates and the future ---------------------------------------------


# The handbook's examples are not Skatteverket test numbers: only their arithmetic is checked.


def test_the_handbook_transfer_example_has_the_impossible_individual_number_000() -> None:
    # Its check digit adds up, but Skatteverket's individual numbers run 001-999.
    assert personal_error("190001010008") == "serial"


def test_the_handbook_create_form_example_has_a_wrong_check_digit() -> None:
    assert personal_error("19740101-0101") == "checksum"
    assert parse("19740101-0108").display() == "19740101-0108"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("200711282385", id="last-digit-off-by-one"),
        pytest.param("071128-2348", id="last-two-digits-swapped"),
        pytest.param("20071182-2384", id="month-and-day-digits-swapped"),
        pytest.param("200000672387", id="samordningsnummer"),
    ],
)
def test_a_wrong_check_digit_is_a_checksum_error(text: str) -> None:
    assert personal_error(text) == "checksum"


def test_the_check_digit_covers_the_last_ten_digits_only() -> None:
    # The century is not part of the number Skatteverket checks.
    assert parse("20071128-2384").value == "200711282384"
    assert parse("19071128-2384").value == "190711282384"


@pytest.mark.parametrize(
    "first_eleven",
    [
        pytest.param("20071328238", id="month-13"),
        pytest.param("20071100238", id="day-00"),
        pytest.param("20071132238", id="day-32"),
        pytest.param("20070230238", id="30-february"),
        pytest.param("20230229238", id="29-february-in-a-common-year"),
        pytest.param("19000229238", id="29-february-1900"),
        pytest.param("20070431238", id="31-april"),
        pytest.param("20070015238", id="month-00-in-a-personnummer"),
        pytest.param("20071159238", id="day-59-is-neither"),
        pytest.param("20071192238", id="samordningsnummer-day-92"),
        pytest.param("20070290238", id="samordningsnummer-30-february"),
        pytest.param("20070491238", id="samordningsnummer-31-april"),
        pytest.param("20071360238", id="samordningsnummer-month-13"),
    ],
)
def test_a_number_without_a_real_date_is_a_date_error(first_eleven: str) -> None:
    assert personal_error(with_check_digit(first_eleven)) == "date"


def test_a_date_error_is_reported_before_a_wrong_check_digit() -> None:
    assert personal_error("20071328-0000") == "date"


@pytest.mark.parametrize(
    ("text", "today"),
    [
        pytest.param("202312312388", date(2023, 12, 30), id="born-tomorrow"),
        pytest.param("200711282384", date(2000, 1, 1), id="born-years-from-now"),
        pytest.param("200000672386", date(2000, 1, 6), id="unknown-month-earliest-is-tomorrow"),
    ],
)
def test_a_birth_date_after_today_is_a_future_error(text: str, today: date) -> None:
    assert personal_error(text, today) == "future"


def test_someone_born_today_is_accepted() -> None:
    assert parse("202312312388", date(2023, 12, 31)).birth_date == date(2023, 12, 31)


def test_ten_digits_are_never_in_the_future() -> None:
    # Without a century the most recent possible one is chosen, so 2027 becomes 1927.
    assert parse(with_check_digit("20271128238")[2:]).value.startswith("1927")


# --- samordningsnummer --------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "birth_date"),
    [
        pytest.param("192601762392", date(1926, 1, 16), id="day-plus-60"),
        pytest.param("191510792383", date(1915, 10, 19), id="day-79"),
        pytest.param("202002892392", date(2020, 2, 29), id="leap-day-as-day-89"),
        pytest.param("200000672386", date(2000, 12, 7), id="unknown-month-means-december"),
        pytest.param("192304602390", date(1923, 4, 30), id="unknown-day-in-a-30-day-month"),
        pytest.param("191711602399", date(1917, 11, 30), id="unknown-day-in-november"),
        pytest.param("192001602396", date(1920, 1, 31), id="unknown-day-in-january"),
        pytest.param("198000602394", date(1980, 12, 31), id="unknown-month-and-day"),
    ],
)
def test_samordningsnummer_birth_date_is_the_latest_possible(number: str, birth_date: date) -> None:
    assert parse(number) == Identity(Kind.SAMORDNINGSNUMMER, number, birth_date)


@pytest.mark.parametrize(
    ("number", "today", "adult"),
    [
        pytest.param("200000672386", date(2018, 12, 6), False, id="unknown-month-day-before"),
        pytest.param("200000672386", date(2018, 12, 7), True, id="unknown-month-on-the-day"),
        pytest.param("198000602394", date(1998, 12, 30), False, id="unknown-date-day-before"),
        pytest.param("198000602394", date(1998, 12, 31), True, id="unknown-date-new-years-eve"),
        pytest.param("192304602390", date(1941, 4, 29), False, id="unknown-day-day-before"),
        pytest.param("192304602390", date(1941, 4, 30), True, id="unknown-day-end-of-month"),
    ],
)
def test_an_unknown_birth_month_or_day_counts_as_adult_only_when_surely_adult(
    number: str, today: date, adult: bool
) -> None:
    assert parse(number, today).is_adult_on(today) is adult


def test_an_unknown_month_this_year_is_not_pushed_a_century_back() -> None:
    # 200000672386 born on 7 <some month> 2000: on 1 June 2000 that may be January.
    today = date(2000, 6, 1)
    identity_ = parse("000067-2386", today)
    assert identity_.value == "200000672386"
    assert identity_.birth_date == date(2000, 12, 7)
    assert identity_.age_on(today) == 0
    assert identity_.is_adult_on(today) is False


def test_plus_with_an_unknown_month_takes_the_century_in_which_100_is_possible() -> None:
    # 193100602394: born some day in 1931; on 1 June 2031 they may have turned 100.
    assert parse("310060+2394", date(2031, 6, 1)).value == "193100602394"


def test_the_kind_follows_the_day_field() -> None:
    assert parse("192601762392").kind is Kind.SAMORDNINGSNUMMER
    assert parse("192601049030").kind is Kind.PERSONNUMMER


# --- what is not a personal number ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("", "empty", id="empty"),
        pytest.param("   \t ", "empty", id="only-spaces"),
        pytest.param("Anna Blom", "characters", id="a-name"),
        pytest.param("20071128-238A", "characters", id="a-letter"),
        pytest.param("2007.11.28-2384", "characters", id="dots"),
        pytest.param("071128/2384", "characters", id="slash-for-a-dash"),
        pytest.param(
            "\u0662\u0660\u0660\u0667\u0661\u0661\u0662\u0668\u0662\u0663\u0668\u0664",
            "characters",
            id="arabic-indic-digits",
        ),
        pytest.param("071128-238", "length", id="nine-digits"),
        pytest.param("20071128-23845", "length", id="thirteen-digits"),
        pytest.param("20071128238", "length", id="eleven-digits"),
        pytest.param("071128", "length", id="only-the-date"),
        pytest.param("+46701234567", "length", id="a-phone-number"),
        pytest.param("2007-11-28-2384", "separator", id="dashes-in-the-date"),
        pytest.param("200711-282384", "separator", id="dash-in-the-wrong-place"),
        pytest.param("20071128--2384", "separator", id="two-dashes"),
        pytest.param("20071128-+2384", "separator", id="dash-and-plus"),
        pytest.param("-200711282384", "separator", id="leading-dash"),
        pytest.param("12-345678", "looks_like_lma", id="lma-with-dash"),
        pytest.param("12345678", "looks_like_lma", id="lma-without-dash"),
        pytest.param("12 345 678", "looks_like_lma", id="lma-with-spaces"),
        pytest.param("12-345678/1", "looks_like_lma", id="lma-with-card-serial"),
    ],
)
def test_parse_personal_number_names_the_mistake(text: str, code: str) -> None:
    assert personal_error(text) == code


# --- LMA numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("12-345678", id="with-dash"),
        pytest.param("12345678", id="without-dash"),
        pytest.param(" 12 - 345 678 ", id="with-spaces"),
        pytest.param("12\u2013345678", id="en-dash"),
    ],
)
def test_lma_number_in_every_accepted_writing(text: str) -> None:
    assert parse_lma_number(text) == Identity(Kind.LMA, "12345678", None)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("", "lma_empty", id="empty"),
        pytest.param("  ", "lma_empty", id="only-spaces"),
        pytest.param("12-345678/1", "lma_slash", id="card-serial-after-slash"),
        pytest.param("12-345678 / 12", "lma_slash", id="spaced-slash"),
        pytest.param("12345678/", "lma_slash", id="trailing-slash"),
        pytest.param("1234567", "lma_length", id="seven-digits"),
        pytest.param("12-34567", "lma_length", id="seven-digits-with-dash"),
        pytest.param("123456789", "lma_length", id="nine-digits"),
        pytest.param("0711282385", "lma_length", id="ten-digits-not-a-personnummer"),
        pytest.param("123-45678", "lma_separator", id="dash-after-three"),
        pytest.param("12--345678", "lma_separator", id="two-dashes"),
        pytest.param("12345678-", "lma_separator", id="trailing-dash"),
        pytest.param("AB-345678", "lma_characters", id="letters"),
        pytest.param("12_345678", "lma_characters", id="underscore"),
        pytest.param("12+345678", "lma_characters", id="plus"),
        pytest.param("20071128-2384", "lma_personal_number", id="personnummer"),
        pytest.param("071128+2384", "lma_personal_number", id="ten-digit-personnummer"),
        pytest.param("200000672386", "lma_personal_number", id="samordningsnummer"),
    ],
)
def test_parse_lma_number_names_the_mistake(text: str, code: str) -> None:
    assert lma_error(text) == code


# --- display, masking, age ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("identity_", "shown", "masked"),
    [
        pytest.param(
            Identity(Kind.PERSONNUMMER, "200711282384", date(2007, 11, 28)),
            "20071128-2384",
            "20071128-****",
            id="personnummer",
        ),
        pytest.param(
            Identity(Kind.SAMORDNINGSNUMMER, "200000672386", date(2000, 12, 7)),
            "20000067-2386",
            "20000067-****",
            id="samordningsnummer-as-written",
        ),
        pytest.param(Identity(Kind.LMA, "12345678", None), "12-345678", "12-345***", id="lma"),
    ],
)
def test_display_and_masked_formats(identity_: Identity, shown: str, masked: str) -> None:
    assert identity_.display() == shown
    assert identity_.masked() == masked


def test_an_identity_read_cannot_be_changed_afterwards() -> None:
    # A value, like the number on the card: no code can alter the number a form
    # has read, and equal numbers are one key (sets, caches).
    parsed = parse("20071128-2384")
    with pytest.raises(AttributeError):
        parsed.value = "199001012385"  # type: ignore[misc]
    assert {parsed, parse("071128-2384")} == {parsed}


def test_repr_keeps_the_full_number_out_of_logs() -> None:
    assert "2384" not in repr(parse("20071128-2384"))
    assert "678" not in repr(parse_lma_number("12-345678"))


@pytest.mark.parametrize(
    ("number", "day", "age", "adult"),
    [
        pytest.param("200711282384", date(2025, 11, 27), 17, False, id="day-before-18"),
        pytest.param("200711282384", date(2025, 11, 28), 18, True, id="18th-birthday"),
        pytest.param("200711282384", date(2007, 11, 28), 0, False, id="day-of-birth"),
        pytest.param("192611128311", TODAY, 100, True, id="centenarian"),
        pytest.param("200002292399", date(2018, 2, 28), 17, False, id="leap-day-28-february"),
        pytest.param("200002292399", date(2018, 3, 1), 18, True, id="leap-day-1-march"),
        pytest.param("200002292399", date(2020, 2, 29), 20, True, id="leap-day-in-a-leap-year"),
        pytest.param("200711282384", date(2024, 2, 29), 16, False, id="a-minor-on-a-leap-day"),
        pytest.param("200602282386", date(2024, 2, 29), 18, True, id="18-on-a-leap-day"),
    ],
)
def test_age_counts_whole_years(number: str, day: date, age: int, adult: bool) -> None:
    parsed = parse(number)
    assert parsed.age_on(day) == age
    assert parsed.is_adult_on(day) is adult


def test_an_lma_number_has_no_age() -> None:
    lma = parse_lma_number("12-345678")
    assert lma.birth_date is None
    assert lma.age_on(TODAY) is None
    assert lma.is_adult_on(TODAY) is None


# --- search box ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Anna", id="first-name"),
        pytest.param("Disa Blom", id="full-name"),
        pytest.param("Åsa Öberg-Ärlig", id="swedish-letters-and-hyphen"),
        pytest.param("disa.blom@mail.se", id="e-mail"),
        pytest.param("12345678@example.se", id="e-mail-with-digits"),
        pytest.param("anna+talbok@example.se", id="e-mail-with-plus"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="spaces"),
        pytest.param("2007", id="a-year"),
        pytest.param("071128", id="a-date"),
        pytest.param("20071128-2385", id="wrong-check-digit"),
        pytest.param("12-345678/1", id="lma-with-card-serial"),
        pytest.param("20271128-2384", id="future"),
        pytest.param("\x00", id="control-character"),
    ],
)
def test_search_terms_that_are_not_identifiers_give_none(text: str) -> None:
    assert normalise_search_term(text, today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        pytest.param("071128-2384", Kind.PERSONNUMMER, "200711282384", id="ten-digits"),
        pytest.param("20071128 2384", Kind.PERSONNUMMER, "200711282384", id="twelve-with-space"),
        pytest.param("261112+8311", Kind.PERSONNUMMER, "192611128311", id="centenarian"),
        pytest.param("20000067-2386", Kind.SAMORDNINGSNUMMER, "200000672386", id="samordning"),
        pytest.param("12-345678", Kind.LMA, "12345678", id="lma-with-dash"),
        pytest.param("12345678", Kind.LMA, "12345678", id="lma-without-dash"),
    ],
)
def test_search_terms_that_are_identifiers_are_normalised(
    text: str, kind: Kind, value: str
) -> None:
    found = normalise_search_term(text, today=TODAY)
    assert found is not None
    assert (found.kind, found.value) == (kind, value)


# --- stored values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        pytest.param(
            "personnummer",
            "200711282384",
            Identity(Kind.PERSONNUMMER, "200711282384", date(2007, 11, 28)),
            id="personnummer",
        ),
        pytest.param(
            "samordningsnummer",
            "198000602394",
            Identity(Kind.SAMORDNINGSNUMMER, "198000602394", date(1980, 12, 31)),
            id="samordningsnummer-unknown-date",
        ),
        pytest.param("lma", "12345678", Identity(Kind.LMA, "12345678", None), id="lma"),
        pytest.param(Kind.LMA, "12345678", Identity(Kind.LMA, "12345678", None), id="kind-as-enum"),
    ],
)
def test_from_stored_rebuilds_the_identity(kind: str, value: str, expected: Identity) -> None:
    assert from_stored(kind, value) == expected


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        pytest.param("passport", "12345678", id="unknown-kind"),
        pytest.param("lma", "12-345678", id="lma-not-normalised"),
        pytest.param("personnummer", "0711282384", id="ten-digits"),
    ],
)
def test_from_stored_refuses_what_was_never_stored(kind: str, value: str) -> None:
    with pytest.raises(ValueError):
        from_stored(kind, value)


# --- MTM's temporary numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "born"),
    [
        pytest.param("19981231-A123", date(1998, 12, 31), id="december"),
        pytest.param("20051015b042", date(2005, 10, 15), id="october-lower-case-no-dash"),
    ],
)
def test_a_temporary_number_keeps_the_students_birth_date(text: str, born: date) -> None:
    # Months 10-12 read both digits of the month: a student born in December is
    # not made a February (no date) or January child.
    parsed = parse_temporary_number(text)
    assert (parsed.kind, parsed.birth_date) == (Kind.TEMPORARY, born)
    assert from_stored("tillfalligt", parsed.value).birth_date == born


# --- error codes and messages ------------------------------------------------------------------

ONE_EXAMPLE_PER_CODE = [
    (parse_personal_number, "", "empty"),
    (parse_personal_number, "Anna", "characters"),
    (parse_personal_number, "071128-238", "length"),
    (parse_personal_number, "2007-11-28-2384", "separator"),
    (parse_personal_number, "12-345678", "looks_like_lma"),
    (parse_personal_number, "20071328-2384", "date"),
    (parse_personal_number, "20271128-2384", "future"),
    (parse_personal_number, "20071128-2385", "checksum"),
    (parse_personal_number, "109001012385", "century"),
    (parse_personal_number, "261223-9232", "plus_this_year"),
    (parse_personal_number, "19900101-0009", "serial"),
    (parse_personal_number, "19900101", "birth_date_only"),
    (parse_lma_number, "", "lma_empty"),
    (parse_lma_number, "AB-345678", "lma_characters"),
    (parse_lma_number, "123-45678", "lma_separator"),
    (parse_lma_number, "1234567", "lma_length"),
    (parse_lma_number, "12-345678/1", "lma_slash"),
    (parse_lma_number, "20071128-2384", "lma_personal_number"),
    (parse_temporary_number, "19980412-1234", "temporary"),
]


@pytest.mark.parametrize(
    ("parser", "text", "code"),
    [pytest.param(*example, id=example[2]) for example in ONE_EXAMPLE_PER_CODE],
)
def test_each_error_code_is_raised_by_its_mistake(parser, text: str, code: str) -> None:
    with pytest.raises(IdentityError) as raised:
        if parser is parse_personal_number:
            parser(text, today=TODAY)
        else:
            parser(text)
    assert raised.value.code == code


def test_error_codes_are_exactly_the_raisable_ones_and_each_has_a_message() -> None:
    assert {code for _, _, code in ONE_EXAMPLE_PER_CODE} == ERROR_CODES
    assert set(MESSAGES) == ERROR_CODES


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_each_message_is_a_full_english_sentence(code: str) -> None:
    message = MESSAGES[code]
    assert message[0].isupper()
    assert message.endswith(".")
    assert not set("åäöÅÄÖ") & set(message)


def test_identity_error_is_a_value_error_carrying_its_code() -> None:
    error = IdentityError("checksum")
    assert isinstance(error, ValueError)
    assert error.code == "checksum"
    assert error.message == MESSAGES["checksum"]


def test_identity_error_refuses_an_unknown_code() -> None:
    with pytest.raises(ValueError, match="unknown identity error code"):
        IdentityError("typo")


def test_the_module_imports_nothing_from_django() -> None:
    tree = ast.parse(Path(identity.__file__).read_text(encoding="utf-8"))
    modules = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    modules += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert [name for name in modules if name.split(".")[0] == "django"] == []
