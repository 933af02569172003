from functools import cache, cached_property

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, LayoutObject
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

from .validators import NAME_FIELDS, validate_name


class PlainIdChoices:
    """Model choices by integer id: anything but plain ASCII digits is an invalid
    choice before it reaches the database. int() accepts other scripts' digits
    ('١٩١٢') and numbers too large for the column, which the database then
    refuses with an error instead of a form error (found by the hostile-input tests)."""

    @staticmethod
    def _plain(value) -> bool:
        text = str(value)
        return text.isascii() and text.isdigit() and len(text) <= 18

    def to_python(self, value):
        if isinstance(self, forms.ModelMultipleChoiceField):
            return super().to_python(value)
        if value not in self.empty_values and not self._plain(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def _check_values(self, value):
        for pk in value:
            if not self._plain(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


@cache
def _plain_id_class(field_class: type) -> type:
    return type(f"PlainId{field_class.__name__}", (PlainIdChoices, field_class), {})


#: The project's own message for a value longer than its field allows (Django's stock
#: "Säkerställ att detta värde har som mest …" reads like a machine). A field's own
#: max_length message wins.
MAX_LENGTH_MESSAGE = _("Write at most %(limit_value)d characters. You wrote %(show_value)d.")


class NameFieldsMixin:
    """Every field named like a name (NAME_FIELDS) gets validate_name, also one a
    form adds after __init__: the rule is attached just before the form is cleaned."""

    def full_clean(self):
        for name, field in self.fields.items():
            if name in NAME_FIELDS and validate_name not in field.validators:
                field.validators.append(validate_name)
        super().full_clean()


def prune(layout_object, present) -> bool:
    """Drop from a layout (in place) the field names the form does not have this
    time (a library choice, the guardian's details) and the groups left empty.
    True when something is left."""
    kept = []
    for item in layout_object.fields:
        if isinstance(item, str):
            if item in present:
                kept.append(item)
        elif not isinstance(item, LayoutObject) or prune(item, present):
            kept.append(item)  # HTML and buttons stay
    layout_object.fields = kept
    return bool(kept)


class AccessibleFormMixin(NameFieldsMixin):
    """House rules for every form (accessibility.md §3): no browser validation
    bubbles, Bootstrap classes on widgets; the template pack (core/templates/
    core/) ties hints and errors to the input. Model choices by id accept plain
    ids only; names are checked by validate_name.

    The form's structure is its `layout()`, rendered with `{% crispy form %}`; the
    page keeps its <form novalidate> and buttons (form_tag off). The layout is also
    the order of the fields wherever the form is iterated (the error summary)."""

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apply_house_rules(self.fields.values())

    def layout(self) -> Layout:
        """The fields top to bottom, in crispy layout objects. A layout may name
        fields the form has only sometimes: those absent are left out."""
        return Layout(*self.fields)

    @cached_property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = self.layout()
        prune(helper.layout, self.fields)
        named = [pointer.name for pointer in helper.layout.get_field_names()]
        if sorted(named) != sorted(self.fields):
            # A field outside the layout would silently not be rendered.
            raise ImproperlyConfigured(
                f"{type(self).__name__}.layout() must name every field once: "
                f"it names {named}, the form has {list(self.fields)}"
            )
        return helper

    def __iter__(self):
        for pointer in self.helper.layout.get_field_names():
            yield self[pointer.name]

    @staticmethod
    def apply_house_rules(fields) -> None:
        """Also for fields a form adds after __init__."""
        for field in fields:
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
                css = "form-check-input"  # CheckboxSelectMultiple is a RadioSelect
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if css not in widget.attrs.get("class", "").split():
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            field.error_messages.setdefault("max_length", MAX_LENGTH_MESSAGE)
            if isinstance(field, forms.ModelChoiceField) and field.to_field_name is None:
                field.__class__ = _plain_id_class(type(field))


class Form(AccessibleFormMixin, forms.Form):
    pass


class ModelForm(AccessibleFormMixin, forms.ModelForm):
    pass


#: For forms outside the house style (the admin's own): the same plain-id rule.
PlainIdModelChoiceField = _plain_id_class(forms.ModelChoiceField)


def refused_save_message(form, message, *, field: str | None = None, code="save_refused") -> None:
    """A uniqueness race turned into a form message, at every door: the database refused
    a save that the form's checks had passed (someone saved the same number, e-mail
    address or name in between: an IntegrityError, AlreadyRegistered). `form` is bound
    with what was typed; a fresh one is checked again here, and its own checks then
    usually name what was saved meanwhile like anything taken. When they find nothing,
    `message` becomes the error (of `field`, or of the whole form), so the form is
    shown again with everything typed and never passes as saved."""
    if not form.errors:
        form.add_error(field, ValidationError(message, code=code))
