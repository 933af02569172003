"""SCB's counties and municipalities, loaded from libraries/data/kommuner.csv.

Used by the data migration (with historical models) and by tests that empty the
database (with the real ones)."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "kommuner.csv"


def load_counties(County, Municipality) -> None:
    with DATA.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            county, _ = County.objects.get_or_create(
                code=row["lan_code"], defaults={"name": row["lan_name"]}
            )
            Municipality.objects.update_or_create(
                code=row["kommun_code"], defaults={"name": row["kommun_name"], "county": county}
            )
