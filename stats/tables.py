"""A statistics table: shown as HTML, downloaded as CSV, from the same rows."""

import csv
import io
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

#: Below this a published count could point at a person (the publication export).
SMALL_COUNT = 5


@dataclass
class Table:
    slug: str  # the CSV file name and the id of the caption
    caption: str
    columns: list  # column headings (the first column holds the row headings)
    rows: list = field(default_factory=list)  # (row heading, [values])
    total: tuple | None = None  # the last row, set apart in the HTML

    def all_rows(self):
        return [*self.rows, *([self.total] if self.total else [])]

    def suppressed(self) -> "Table":
        """The same table with every count under SMALL_COUNT as "färre än 5"."""

        def cell(value):
            return (
                str(_("fewer than 5")) if isinstance(value, int) and value < SMALL_COUNT else value
            )

        return Table(
            f"{self.slug}-publicering",
            self.caption,
            self.columns,
            [(head, [cell(v) for v in values]) for head, values in self.rows],
            (self.total[0], [cell(v) for v in self.total[1]]) if self.total else None,
        )


def _cell(value):
    """A text that Excel would run as a formula (a library named "=HYPERLINK(…)")
    is written with a leading apostrophe; numbers stay numbers."""
    if isinstance(value, int):
        return value
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(table: Table, filename: str) -> HttpResponse:
    """UTF-8 with BOM and ";" between fields: what Swedish Excel opens right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_cell(c) for c in table.columns])
    for head, values in table.all_rows():
        writer.writerow([_cell(head), *[_cell(v) for v in values]])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
