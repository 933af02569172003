"""SCB's counties and municipalities (libraries/counties.py)."""

from django.db import migrations

from libraries.counties import load_counties


def load(apps, schema_editor):
    load_counties(apps)


class Migration(migrations.Migration):
    dependencies = [("libraries", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
