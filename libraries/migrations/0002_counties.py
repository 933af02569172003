"""SCB's counties and municipalities (libraries/counties.py)."""

from django.db import migrations

from libraries.counties import load_counties


def load(apps, schema_editor):
    load_counties(apps)


class Migration(migrations.Migration):
    # Before the toolkit's first migration: its models point at the sign-in app's
    # swapped ones, and until those exist no migration can build historical models.
    run_before = [("oauth2_provider", "0001_initial")]
    dependencies = [("libraries", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
