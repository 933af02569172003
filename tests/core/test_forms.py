"""Every form's model choices by id refuse what is not a plain id, with a form error."""

import pytest
from django import forms

from borrowers.models import Service
from core.forms import Form

HOSTILE = ["١٩١٢١٢١٢١٢١٢" * 50, "9" * 40, "1; DROP TABLE", "<script>"]


class ChoiceForm(Form):
    service = forms.ModelChoiceField(queryset=Service.objects.all())
    services = forms.ModelMultipleChoiceField(queryset=Service.objects.all())


@pytest.mark.parametrize("value", HOSTILE)
def test_a_choice_that_is_no_plain_id_is_a_form_error_not_a_database_error(db, value):
    form = ChoiceForm({"service": value, "services": [value]})
    assert not form.is_valid()
    assert form.errors["service"][0].startswith("Välj ett giltigt alternativ")
    assert "service" in form.errors and "services" in form.errors


def test_plain_ids_still_choose(db):
    laddare = Service.objects.get(name="Laddare")
    form = ChoiceForm({"service": str(laddare.pk), "services": [str(laddare.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["service"] == laddare
    assert list(form.cleaned_data["services"]) == [laddare]


def test_the_borrower_edit_forms_late_fields_refuse_hostile_ids_too(registrar_client, borrower_a):
    from django.urls import reverse

    response = registrar_client.post(
        reverse("borrowers:edit", args=[borrower_a.code]),
        {
            "first_name": "Anna",
            "last_name": "Andersson",
            "email": borrower_a.email,
            "identifier": borrower_a.display_identifier,
            "services": [HOSTILE[0]],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["services"]


def test_the_create_forms_library_choice_refuses_hostile_ids(registrar_client, branch_a):
    from django.urls import reverse

    response = registrar_client.post(
        reverse("borrowers:create_adult"), {"library": HOSTILE[0], "first_name": "Anna"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["library"]
