"""Names that look blank or turn the text around are refused on every form that
takes a name, with a clear Swedish error (core/validators.py)."""

import pytest
from django.urls import reverse

from borrowers.models import Borrower
from core.validators import validate_name
from tests.admin.conftest import superuser_client  # noqa: F401 (a fixture)
from tests.admin.test_borrower_admin import form_data as admin_borrower_data
from tests.admin.test_staff_admin import change_data as admin_staff_data
from tests.applications.conftest import application_data
from tests.borrowers.manage.test_edit import form_data as edit_data
from tests.borrowers.register.conftest import create_url, published, valid_data  # noqa: F401

BIDI = "Anna\u202eassoN"  # shows as "AnnaNossa" reversed: a spoofed row
ZERO_WIDTH = "\u200b\u200c\u200d"
BIDI_ERROR = "Namnet innehåller ett osynligt tecken som ändrar textens riktning."
BLANK_ERROR = "Namnet består bara av osynliga tecken. Skriv namnet med bokstäver."
HOSTILE = [(BIDI, BIDI_ERROR), (ZERO_WIDTH, BLANK_ERROR), ("\ufeff \u2060", BLANK_ERROR)]


@pytest.mark.parametrize(
    "name", ["Anna", "Åsa-Öjvind", "محمد", "می\u200cخواهم", "O'Brien", "Zoë van der Berg"]
)
def test_real_names_pass(name, registrar_client, published):  # noqa: F811
    validate_name(name)  # no ValidationError
    response = registrar_client.post(create_url("adult"), valid_data("adult", first_name=name))
    assert response.status_code == 302, response.context["form"].errors
    assert Borrower.objects.get().first_name == name


@pytest.mark.parametrize(
    "bad", ["\u202e", "a\u202db", "\u2066x\u2069", "x\u200f", "\u061cx", "\u200e"]
)
def test_every_bidi_control_is_refused(bad):
    with pytest.raises(Exception, match="riktning") as refused:
        validate_name(bad)
    assert refused.value.code == "bidi_control"


@pytest.mark.parametrize("blank", [ZERO_WIDTH, "\u3164", "\u2800\u2800", "\u00ad"])
def test_names_of_invisible_characters_only_are_refused(blank):
    with pytest.raises(Exception, match="osynliga") as refused:
        validate_name(blank)
    assert refused.value.code == "invisible_name"


def _refused(response, field, message):
    assert response.status_code == 200, response.status_code
    errors = response.context["form"].errors if "form" in response.context else None
    if errors is None:  # the admin's form
        errors = response.context["adminform"].form.errors
    assert any(message in error for error in errors[field]), errors


@pytest.mark.parametrize(("value", "message"), HOSTILE)
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_registrar_create_form(
    registrar_client,
    published,  # noqa: F811
    field,
    value,
    message,
):
    response = registrar_client.post(create_url("adult"), valid_data("adult", **{field: value}))
    _refused(response, field, message)


@pytest.mark.parametrize(("value", "message"), HOSTILE)
def test_registrar_create_form_guardian(
    registrar_client,
    published,  # noqa: F811
    value,
    message,
):
    data = valid_data("lma_minor", guardian_name=value)
    _refused(registrar_client.post(create_url("lma_minor"), data), "guardian_name", message)


@pytest.mark.parametrize(("value", "message"), HOSTILE)
def test_registrar_edit_form(registrar_client, borrower_a, value, message):
    url = reverse("borrowers:edit", args=[borrower_a.code])
    response = registrar_client.post(url, edit_data(borrower_a, last_name=value))
    _refused(response, "last_name", message)


@pytest.mark.parametrize(("value", "message"), HOSTILE)
def test_account_application(client, library_a, value, message):
    response = client.post(
        reverse("applications:apply"), application_data(library_a, first_name=value)
    )
    _refused(response, "first_name", message)


def test_admin_borrower_form(
    superuser_client,  # noqa: F811
    borrower_a,
):
    url = reverse("admin:borrowers_borrower_change", args=[borrower_a.pk])
    response = superuser_client.post(url, admin_borrower_data(borrower_a, first_name=BIDI))
    _refused(response, "first_name", BIDI_ERROR)


def test_admin_staff_form(
    superuser_client,  # noqa: F811
    registrar,
):
    url = reverse("admin:accounts_staffuser_change", args=[registrar.pk])
    response = superuser_client.post(url, admin_staff_data(registrar, last_name=ZERO_WIDTH))
    _refused(response, "last_name", BLANK_ERROR)


def test_admin_library_form(library_a):
    from django.forms import modelform_factory

    from libraries.admin import LibraryAdminForm

    form_class = modelform_factory(
        library_a.__class__, form=LibraryAdminForm, fields=["name", "contact_name"]
    )
    form = form_class({"name": "Bibliotek\u202e", "contact_name": ZERO_WIDTH}, instance=library_a)
    assert not form.is_valid()
    assert form.errors["name"] and form.errors["contact_name"]
