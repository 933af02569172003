"""docs/privacy.md, the record of processing (GDPR art. 30), names every field of
every model of the project: a new field fails here until the document says
which category of personal data it is."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "privacy.md"
ROW = re.compile(r"^\| `(\w+\.\w+\.\w+)` \| (.+?) \|$", re.MULTILINE)


def project_fields() -> set[str]:
    base = Path(settings.BASE_DIR).resolve()
    found = set()
    for model in apps.get_models():
        path = Path(model._meta.app_config.path).resolve()
        if not path.is_relative_to(base) or ".venv" in path.parts:
            continue  # Django's own and third-party apps: docs/privacy.md says them in prose
        for field in model._meta.get_fields():
            if field.concrete or (field.many_to_many and not field.auto_created):
                found.add(f"{model._meta.label}.{field.name}")
    return found


def documented() -> dict[str, str]:
    return dict(ROW.findall(DOCUMENT.read_text("utf-8")))


def test_every_field_of_every_model_is_in_the_record_of_processing():
    missing = sorted(project_fields() - set(documented()))
    assert not missing, f"Add these fields, with their category, to docs/privacy.md: {missing}"


def test_the_record_lists_no_field_that_is_gone():
    stale = sorted(set(documented()) - project_fields())
    assert not stale, f"These fields no longer exist; remove them from docs/privacy.md: {stale}"


def test_every_field_has_a_category_of_the_table_above_it():
    text = DOCUMENT.read_text("utf-8")
    categories = {
        line.split("|")[1].strip()
        for line in text.split("## Every field")[0].splitlines()
        if line.startswith("| ") and not line.startswith("| category") and "---" not in line
    }
    for field, category in documented().items():
        name = category.split(" (")[0]
        assert name in categories, f"{field}: {category!r} is not a category of docs/privacy.md"


def test_the_check_sees_the_project_models_and_nothing_else():
    fields = project_fields()
    assert "borrowers.Borrower.identifier" in fields
    assert "borrowers.Borrower.services" in fields  # many-to-many fields count too
    assert "privacy.DeletionNotice.delete_on" in fields
    assert not any(name.startswith(("auth.", "sessions.", "axes.")) for name in fields)


def test_retention_settings_are_in_the_record():
    text = DOCUMENT.read_text("utf-8")
    for name in dir(settings):
        if name.startswith("RETENTION_"):
            assert f"`{name}`" in text, name
