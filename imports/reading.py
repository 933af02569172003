"""Reading the interchange format (docs/import.md): UTF-8 CSV with `;` and a header
row (a BOM allowed), or XLSX with the same columns. Column names are the
handbook's words, in any order; the kind of file is told by its columns.

Rows come out as {column: text}, values stripped, with the row number a
spreadsheet shows (the header is row 1). Nothing here judges a value.
"""

import csv
import enum
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.utils.translation import gettext

STAFF_COLUMNS = ("E-post", "Förnamn", "Efternamn", "Roll", "Bibliotek", "Lösenordshash")
BORROWER_COLUMNS = (
    "Kontotyp",
    "Person-/Samordningsnummer",
    "LMA-nummer",
    "Förnamn",
    "Efternamn",
    "E-post",
    "Bibliotek",
    "Giltighetstid t.o.m.",
    "LMA-kortets giltighetstid",
    "Vårdnadshavarens födelsedatum",
    "Vårdnadshavarens namn",
    "Användargrupper",
    "Skyddad identitet",
    "Registrerad",
    "Senast inloggad",
    "Lösenordshash",
    "Språk",
)
#: Columns a file may leave out; every other column of its kind is required.
OPTIONAL_COLUMNS = frozenset(
    {
        "Lösenordshash",
        "LMA-kortets giltighetstid",
        "Vårdnadshavarens födelsedatum",
        "Vårdnadshavarens namn",
        "Användargrupper",
        "Skyddad identitet",
        "Registrerad",
        "Senast inloggad",
        "Giltighetstid t.o.m.",
        "Språk",
    }
)


class FileKind(enum.Enum):
    STAFF = "staff"
    BORROWERS = "borrowers"


class FileError(Exception):
    """The file cannot be read as the interchange format; its message is for the user."""


def _key(header: str) -> str:
    return " ".join(str(header or "").split()).casefold()


_CANONICAL = {_key(name): name for name in (*STAFF_COLUMNS, *BORROWER_COLUMNS)}


@dataclass
class SourceFile:
    """One file of a run: its name in the report, its SHA-256, its kind and its rows."""

    name: str
    path: Path
    sha256: str
    kind: FileKind
    columns: dict[int, str]  # position -> canonical column name
    xlsx: bool

    def rows(self):
        """(row number, {column: stripped text}) for every row that is not empty."""
        raw = self._xlsx_rows() if self.xlsx else self._csv_rows()
        next(raw, None)  # the header
        for number, values in enumerate(raw, start=2):
            row = {
                name: _text(values[position]) if position < len(values) else ""
                for position, name in self.columns.items()
            }
            if any(row.values()):
                yield number, row

    def _csv_rows(self):
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv.reader(handle, delimiter=";")

    def _xlsx_rows(self):
        from openpyxl import load_workbook

        workbook = load_workbook(self.path, read_only=True, data_only=True)
        try:
            yield from workbook.worksheets[0].iter_rows(values_only=True)
        finally:
            workbook.close()


def _text(value) -> str:
    if type(value) is str:  # every CSV value: the one path a large file takes
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_source(path, name: str | None = None) -> SourceFile:
    """Read a file's header and tell its kind. Raises FileError."""
    path = Path(path)
    name = name or path.name
    with path.open("rb") as handle:
        xlsx = handle.read(4) == b"PK\x03\x04"  # a zip: XLSX
    try:
        if xlsx:
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                header = next(workbook.worksheets[0].iter_rows(values_only=True), ())
            finally:
                workbook.close()
        else:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                header = next(csv.reader(handle, delimiter=";"), [])
    except (UnicodeDecodeError, csv.Error) as error:
        raise FileError(
            gettext("The file is not UTF-8 CSV with ; between the columns, nor XLSX.")
        ) from error
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise FileError(gettext("The XLSX file cannot be read.")) from error
    columns = {}
    for position, title in enumerate(header):
        canonical = _CANONICAL.get(_key(title))
        if canonical is not None and canonical not in columns.values():
            columns[position] = canonical
    present = set(columns.values())
    if "Kontotyp" in present:
        kind, expected = FileKind.BORROWERS, BORROWER_COLUMNS
    elif "Roll" in present:
        kind, expected = FileKind.STAFF, STAFF_COLUMNS
    else:
        raise FileError(
            gettext(
                "The file has neither the column Kontotyp (borrowers) nor Roll (staff) in "
                "its first row."
            )
        )
    missing = [c for c in expected if c not in present and c not in OPTIONAL_COLUMNS]
    if missing:
        raise FileError(
            gettext("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return SourceFile(
        name=name, path=path, sha256=_sha256(path), kind=kind, columns=columns, xlsx=xlsx
    )
