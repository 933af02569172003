"""Every form renders through django-crispy-forms with the project's template pack
(core/templates/core/), which carries the markup contract of
test_form_markup.py: a page that fell back to Django's own form templates
(`{{ form }}`, `field.as_field_group`) would lose errors above the input and the
"(frivilligt)" marks without anyone noticing."""

import re
from pathlib import Path

import pytest
from crispy_forms.layout import Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template

from core.forms import AccessibleFormMixin, Form

from .dom import parse
from .test_form_markup import FORM_PAGES, fields_of, log_in, world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.a11y

#: Rendering a form or a field with Django's own templates instead of the pack.
PLAIN_RENDERING = re.compile(
    r"\{\{\s*\w*form\s*\}\}|\.as_(field_group|div|p|table|ul)\b|\|as_crispy_field"
)


def page_templates():
    """The templates of our pages: the Django admin's own forms are out of scope."""
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += [p for p in Path(settings.BASE_DIR).glob("*/templates") if p.parent.name != ".venv"]
    for root in roots:
        for path in root.rglob("*.html"):
            if "admin" not in path.relative_to(root).parts:
                yield path


def test_no_page_template_renders_a_form_without_the_pack():
    offenders = [
        f"{path}: {match.group(0)}"
        for path in page_templates()
        for match in PLAIN_RENDERING.finditer(path.read_text())
    ]
    assert not offenders, offenders
    assert any("{% crispy" in path.read_text() for path in page_templates()), (
        "no template found: the test looks in the wrong place"
    )


@pytest.mark.parametrize("form_page", FORM_PAGES, ids=lambda case: case.id)
def test_every_field_of_a_form_page_is_rendered_by_the_pack(form_page, world, request, branch_a):  # noqa: F811
    log_in(world, form_page.actor, request)
    document = parse(form_page.submit(world).content.decode())
    # The pack's fields have Django's ids (id_…); the page's own controls (the menu's
    # search, "Show password") have ids of their own.
    pack_fields = [node for node in fields_of(document) if node.get("id", "").startswith("id_")]
    assert pack_fields, "no form field on the page"
    for node in pack_fields:
        groups = [a for a in node.ancestors() if "form-group" in (a.get("class") or "").split()]
        assert groups, f"{node!r} is not in a field group of the pack"


def house_forms():
    import contextlib
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        for module in ("forms", "forms.register", "forms.manage", "students", "mfa_views"):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{config.name}.{module}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {
        form_class
        for form_class in subclasses(AccessibleFormMixin)
        # The floor's base classes, the admin's own forms (also those the admin's
        # modelform_factory makes in django.forms.models, and the rules checks built
        # on them, never rendered) and the tests' are not pages.
        if not form_class.__module__.startswith(("core.", "tests.", "django."))
        and not any(base.__module__.endswith("admin") for base in form_class.__mro__)
    }


def test_every_form_declares_its_layout():
    found = house_forms()
    assert len(found) > 15, found
    plain = [
        form_class.__qualname__
        for form_class in found
        if form_class.layout is AccessibleFormMixin.layout
    ]
    assert not plain, f"forms without a layout of their own: {plain}"


class TwoFields(Form):
    name = forms.CharField(label="Name")
    town = forms.CharField(label="Town", required=False, help_text="Where you live.")

    def layout(self):
        return Layout("name", "town", "nickname")


def test_a_layout_may_name_a_field_the_form_lacks_but_must_name_every_field():
    form = TwoFields()
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    assert 'for="id_town">Town (frivilligt)</label>' in html
    assert "nickname" not in html

    class Forgetful(TwoFields):
        def layout(self):
            return Layout("name")

    with pytest.raises(ImproperlyConfigured, match="town"):
        Forgetful().helper  # noqa: B018


def test_the_pack_puts_the_error_above_the_input_and_ties_it_to_it():
    form = TwoFields({"name": ""})
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    document = parse(html)
    name = next(node for node in fields_of(document) if node.get("name") == "name")
    assert name.get("aria-invalid") == "true"
    assert name.get("aria-describedby") == "id_name_error"
    error = html.index('id="id_name_error"')
    assert html.index('<span class="visually-hidden">Fel:</span>', error) < html.index(
        'name="name"'
    )
    assert "*" not in html and "required" not in html
