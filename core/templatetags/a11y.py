from django import forms, template

register = template.Library()


@register.filter
def error_anchor(bound_field):
    """The id of a field's first input: the target of its error-summary link."""
    if isinstance(bound_field.field.widget, (forms.MultiWidget, forms.RadioSelect)):
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


@register.filter
def is_checkbox(bound_field):
    return isinstance(bound_field.field.widget, forms.CheckboxInput)
