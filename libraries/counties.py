"""SCB's counties and municipalities, loaded from libraries/data/kommuner.csv.

`load_counties` is the one loader: the data migration calls it with the
historical app registry, and tests that empty the database call it with the
real one."""

import csv
from pathlib import Path

from django.apps import apps as global_apps

DATA = Path(__file__).resolve().parent / "data" / "kommuner.csv"


def load_counties(apps=global_apps) -> None:
    """Every county and municipality of SCB's list, by code (running it again changes nothing)."""
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
