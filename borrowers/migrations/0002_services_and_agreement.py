from django.db import migrations

from borrowers.reference import seed_services


def seed(apps, schema_editor):
    seed_services(apps.get_model("borrowers", "Service"), apps.get_model("borrowers", "AgreementText"))


class Migration(migrations.Migration):
    # Before the toolkit's first migration: its models point at the sign-in app's
    # swapped ones, and until those exist no migration can build historical models.
    run_before = [("oauth2_provider", "0001_initial")]
    dependencies = [("borrowers", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
