"""Load SCB's 21 counties and 290 municipalities from libraries/data/kommuner.csv."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "kommuner.csv"


def load(apps, schema_editor):
    County = apps.get_model("libraries", "County")
    Municipality = apps.get_model("libraries", "Municipality")
    with DATA.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            county, _ = County.objects.get_or_create(
                code=row["lan_code"], defaults={"name": row["lan_name"]}
            )
            Municipality.objects.update_or_create(
                code=row["kommun_code"], defaults={"name": row["kommun_name"], "county": county}
            )


class Migration(migrations.Migration):
    dependencies = [("libraries", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
