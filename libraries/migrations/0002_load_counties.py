from django.db import migrations

from libraries.reference import load_counties


def load(apps, schema_editor):
    load_counties(apps.get_model("libraries", "County"), apps.get_model("libraries", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("libraries", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
