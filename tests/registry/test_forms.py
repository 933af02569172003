"""Every form's model choices by id refuse what is not a plain id, with a form error."""

import pytest
from django import forms

from borrowers.models import Service
from registry.forms import Form

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
