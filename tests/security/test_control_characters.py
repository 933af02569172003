"""Names and the texts that place a person or a library refuse control and invisible
characters with one validator (core/validators.py validate_name) and a Swedish
message: on the forms (by field name) and on the models (so the admin is covered)."""

import pytest
from django.core.exceptions import ValidationError

from core.validators import validate_name
from tests.borrowers.register.conftest import create_url, published, valid_data  # noqa: F401

CONTROL = (
    "Texten innehåller ett styrtecken eller ett osynligt tecken (till exempel en radbrytning "
    "eller ett blanksteg utan bredd). Skriv texten i stället för att klistra in den."
)


@pytest.mark.parametrize(
    "value",
    [
        "Anna\x1b[31m",  # an ESC sequence
        "Anna\x07",  # BEL
        "Anna\r\nBcc: x@example.org",
        "An\u200bna",  # a zero-width space inside: unsearchable
        "Anna\u2060",  # word joiner
        "Anna\x85",  # a C1 control (NEL)
        "Anna\u2028Berg",  # line separator
        "08-123\t45",
    ],
)
def test_control_and_invisible_characters_are_refused(value):
    with pytest.raises(ValidationError) as refused:
        validate_name(value)
    assert refused.value.code == "control_character"


@pytest.mark.parametrize(
    "value", ["Anna-Lena", "O'Brien", "می\u200cخواهم", "08-123 45", "Å\u00a0Ö"]
)
def test_names_of_every_script_pass(value):
    validate_name(value)


@pytest.mark.usefixtures("published")
def test_the_create_form_refuses_a_zero_width_space_in_a_name(registrar_client):
    response = registrar_client.post(
        create_url("adult"), valid_data("adult", last_name="Be\u200brg")
    )
    assert response.status_code == 200
    assert CONTROL in response.context["form"].errors["last_name"]


def test_a_students_home_country_number_refuses_bidi_controls(registrar_client):
    from tests.applications.test_students import APPLY, data

    response = registrar_client.post(APPLY, data(home_number="\u202e4321"))
    assert response.status_code == 200
    assert response.context["form"].errors["home_number"]


def test_a_librarys_phone_and_city_refuse_controls_on_the_model(library_a):
    library_a.phone = "08-123\u202e45"
    library_a.city = "Sundby\x1bberg"
    with pytest.raises(ValidationError) as refused:
        library_a.full_clean()
    assert {"phone", "city"} <= set(refused.value.error_dict)


def test_staff_and_borrower_names_refuse_controls_on_the_model(registrar, borrower_a):
    registrar.first_name = "Rita\x07"
    with pytest.raises(ValidationError) as refused:
        registrar.full_clean()
    assert "first_name" in refused.value.error_dict
    borrower_a.guardian_name = "Vera\u200b"
    with pytest.raises(ValidationError) as refused:
        borrower_a.full_clean()
    assert "guardian_name" in refused.value.error_dict
