from django.db import migrations

from borrowers.reference import seed_services


def seed(apps, schema_editor):
    seed_services(apps.get_model("borrowers", "Service"), apps.get_model("borrowers", "AgreementText"))


class Migration(migrations.Migration):
    dependencies = [("borrowers", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
