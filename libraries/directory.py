"""Biblioteksdatabasen (KB's national library directory, "bibdb"): reading its
answers and keeping the registry's libraries in step with it (manage.py
sync_libraries; docs/libraries.md).

The sync matches each Swedish record by sigel (ignoring letter case):
- a new sigel becomes a library that is not active (MTM activates a library when
  it gets its first registrar);
- a known sigel gets its name (trimmed, letter case as given), type,
  county/municipality and visiting address updated; the talking-book contact,
  the active flag and the branch links are the registry's own and never touched;
- a library whose sigel is missing from a full dump is reported, never changed;
- a record of another country is skipped and reported.
"""

import csv
import json
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import County, DirectorySync, Library, LibraryType, Municipality

#: Every library type of Biblioteksdatabasen and the Bibliotekstyp it becomes.
#: A code not in this table becomes Övrigt and is reported (docs/libraries.md).
BIBDB_TYPES = {
    "natbib": LibraryType.NATIONAL,  # nationalbibliotek (KB)
    "folkbib": LibraryType.PUBLIC,  # folkbibliotek
    "folkskolbib": LibraryType.PUBLIC,  # integrerat folk- och skolbibliotek
    "busbib": LibraryType.PUBLIC,  # bokbuss
    "specbib": LibraryType.SPECIAL,  # specialbibliotek
    "sjukbib": LibraryType.HOSPITAL,  # sjukhusbibliotek
    "myndbib": LibraryType.GOVERNMENT,  # myndighetsbibliotek
    "musbib": LibraryType.MUSEUM,  # museibibliotek
    "muskom": LibraryType.MUSEUM,  # kommunalt museum
    "muslan": LibraryType.MUSEUM,  # länsmuseum
    "musstat": LibraryType.MUSEUM,  # statligt museum
    "skolbib": LibraryType.SCHOOL,  # skolbibliotek (kommunal grundskola)
    "friskol": LibraryType.SCHOOL,  # fristående grundskola
    "gymbib": LibraryType.SCHOOL,  # gymnasiebibliotek
    "frisgym": LibraryType.SCHOOL,  # fristående gymnasieskola
    "statskol": LibraryType.SCHOOL,  # statlig skola (specialskola, sameskola)
    "vuxbib": LibraryType.SCHOOL,  # vuxenutbildningens bibliotek
    "univbib": LibraryType.UNIVERSITY,  # universitets- och högskolebibliotek
    "folkhogbib": LibraryType.FOLK_HIGH_SCHOOL,  # folkhögskolebibliotek
    "ovrbib": LibraryType.OTHER,  # övriga bibliotek
}

PAGE_SIZE = 200
FETCH_TIMEOUT = 60  # seconds per page


class FetchFailed(Exception):
    """The directory could not be read; nothing was changed. The message says why."""


# -- reading --------------------------------------------------------------------------


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def shown(source: str) -> str:
    """A source as it may be stored and printed: a URL without any user name or
    password in it."""
    if not is_url(source):
        return source
    parts = urllib.parse.urlsplit(source)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def records_from_file(path: str) -> list[dict]:
    """A saved answer: one JSON answer ({"libraries": [...]}), a JSON list of
    answers (pages), or a directory of such files (read in name order)."""
    target = Path(path)
    files = sorted(target.glob("*.json")) if target.is_dir() else [target]
    if not files:
        raise FetchFailed(_("No JSON files in %(path)s.") % {"path": path})
    records = []
    for file in files:
        try:
            answer = json.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise FetchFailed(
                _("Could not read %(path)s: %(error)s") % {"path": file, "error": error.strerror}
            ) from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise FetchFailed(
                _("%(path)s is not JSON: %(error)s") % {"path": file, "error": error}
            ) from error
        for page in answer if isinstance(answer, list) else [answer]:
            records += _libraries_of(page, file.name)
    return records


def _libraries_of(answer, where: str) -> list[dict]:
    libraries = answer.get("libraries") if isinstance(answer, dict) else None
    if not isinstance(libraries, list):
        raise FetchFailed(
            _("%(where)s is not an answer from Biblioteksdatabasen (no list of libraries).")
            % {"where": where}
        )
    return libraries


def api_url(base: str, *, start: int, since: date | None = None) -> str:
    """One page of the dump: <base>/api/lib?dump=true&start=N&n=200[&updatedDatum=…]."""
    base = base.rstrip("/")
    if not base.endswith("/api/lib"):
        base += "/api/lib"
    query = {"dump": "true", "start": start, "n": PAGE_SIZE}
    if since is not None:
        query["updatedDatum"] = f"{since:%Y-%m-%d}"
    return f"{base}?{urllib.parse.urlencode(query)}"


def records_from_api(base: str, *, since: date | None = None) -> list[dict]:
    """Every page of the dump, until a page has fewer than PAGE_SIZE libraries."""
    records = []
    start = 0
    while True:
        url = api_url(base, start=start, since=since)
        try:
            with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as answer:  # noqa: S310 - http(s) only (is_url)
                body = answer.read()
        except urllib.error.HTTPError as error:
            raise FetchFailed(
                _("Biblioteksdatabasen answered %(status)s for %(url)s.")
                % {"status": error.code, "url": shown(url)}
            ) from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise FetchFailed(
                _("Could not reach Biblioteksdatabasen at %(url)s: %(reason)s")
                % {"url": shown(url), "reason": reason}
            ) from error
        try:
            page = _libraries_of(json.loads(body.decode("utf-8")), shown(url))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise FetchFailed(
                _("The answer for %(url)s is not JSON: %(error)s")
                % {"url": shown(url), "error": error}
            ) from error
        records += page
        if len(page) < PAGE_SIZE:
            return records
        start += PAGE_SIZE


# -- one record ------------------------------------------------------------------------


def tidy(text) -> str:
    """Trimmed, inner runs of spaces as one; letter case as given."""
    return " ".join(str(text or "").split())


@dataclass
class Entry:
    """A Swedish record, read: what the sync writes on the library."""

    sigel: str
    name: str
    library_type: str
    county: County
    municipality: Municipality | None
    address: dict | None  # street_address, postal_code, city; None: the record has none
    notes: list = field(default_factory=list)
    unknown_type: bool = False

    def fields(self) -> dict:
        values = {
            "name": self.name,
            "library_type": self.library_type,
            "county": self.county,
            "municipality": self.municipality,
        }
        if self.address is not None:
            values.update(self.address)
        return values


class RecordError(Exception):
    pass


class Places:
    """SCB's codes, read once: a four-digit code is a municipality; one ending in 00
    is a county (how a region's libraries are filed)."""

    def __init__(self):
        self.counties = {c.code: c for c in County.objects.all()}
        self.municipalities = {m.code: m for m in Municipality.objects.select_related("county")}

    def of(self, code) -> tuple[County, Municipality | None]:
        code = tidy(code)
        if not code:
            raise RecordError(_("no municipality code"))
        if code.isdigit() and len(code) == 4 and code.endswith("00"):
            county = self.counties.get(code[:2])
            if county is None:
                raise RecordError(_("unknown county code %(code)s") % {"code": code})
            return county, None
        municipality = self.municipalities.get(code)
        if municipality is None:
            raise RecordError(_("unknown municipality code %(code)s") % {"code": code})
        return municipality.county, municipality


def visiting_address(record) -> dict | None:
    """The `gen` address, else the `stat` one; None when the record has neither."""
    addresses = [a for a in record.get("address") or [] if isinstance(a, dict)]
    for kind in ("gen", "stat"):
        for address in addresses:
            if address.get("address_type") == kind:
                return {
                    "street_address": tidy(address.get("street"))[:200],
                    "postal_code": tidy(address.get("zip_code"))[:10],
                    "city": tidy(address.get("city"))[:100],
                }
    return None


def read_entry(record, places: Places) -> Entry:
    sigel = tidy(record.get("sigel"))
    if not sigel:
        raise RecordError(_("no sigel"))
    if len(sigel) > 20:
        raise RecordError(_("the sigel is longer than 20 characters"))
    name = tidy(record.get("name"))
    if not name:
        raise RecordError(_("no name"))
    county, municipality = places.of(record.get("municipality_code"))
    notes = []
    code = tidy(record.get("library_type"))
    library_type = BIBDB_TYPES.get(code)
    if library_type is None:
        library_type = LibraryType.OTHER
        notes.append(_("unknown library type %(code)s: Other") % {"code": code or "–"})
    address = visiting_address(record)
    if address is None:
        notes.append(_("no visiting address: the registry's is kept"))
    return Entry(
        sigel,
        name[:200],
        library_type,
        county,
        municipality,
        address,
        notes,
        code not in BIBDB_TYPES,
    )


# -- the sync --------------------------------------------------------------------------


class Outcome:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    MISSING = "missing"
    ERROR = "error"
    FOREIGN = "foreign"

    @staticmethod
    def label(outcome) -> str:
        return {
            Outcome.NEW: _("New"),
            Outcome.CHANGED: _("Changed"),
            Outcome.UNCHANGED: _("Unchanged"),
            Outcome.MISSING: _("Missing from the directory"),
            Outcome.ERROR: _("Error"),
            Outcome.FOREIGN: _("Not Swedish: skipped"),
        }[outcome]


@dataclass
class Row:
    sigel: str
    name: str
    outcome: str
    library_type: str = ""
    county: str = ""
    municipality: str = ""
    note: str = ""
    unknown_type: bool = False


@dataclass
class Result:
    rows: list = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(row.outcome for row in self.rows)

    def summary(self) -> str:
        counts = self.counts
        return _(
            "New: %(new)s · Changed: %(changed)s · Unchanged: %(unchanged)s · "
            "Missing from the directory: %(missing)s · Errors: %(errors)s"
        ) % {
            "new": counts[Outcome.NEW],
            "changed": counts[Outcome.CHANGED],
            "unchanged": counts[Outcome.UNCHANGED],
            "missing": counts[Outcome.MISSING],
            "errors": counts[Outcome.ERROR],
        }

    def remarks(self) -> str:
        """The rows the summary does not count: foreign records, unknown types."""
        foreign = self.counts[Outcome.FOREIGN]
        unknown = sum(1 for row in self.rows if row.unknown_type)
        if not (foreign or unknown):
            return ""
        return _(
            "Not Swedish (skipped): %(foreign)s · Unknown library type (Other): %(unknown)s"
        ) % {
            "foreign": foreign,
            "unknown": unknown,
        }


def _row(entry: Entry, outcome: str, note: str = "") -> Row:
    return Row(
        entry.sigel,
        entry.name,
        outcome,
        str(LibraryType(entry.library_type).label),
        entry.county.name,
        entry.municipality.name if entry.municipality else "",
        "; ".join([*([note] if note else []), *entry.notes]),
        entry.unknown_type,
    )


def apply_records(records: list[dict], *, full: bool) -> Result:
    """Match every record by sigel and write what differs (call inside a transaction).
    `full`: the records are the whole directory, so a known sigel not among them
    is reported as missing."""
    places = Places()
    result = Result()
    libraries = {
        lib.sigel.casefold(): lib
        for lib in Library.objects.exclude(sigel="").select_related("county", "municipality")
    }
    seen = set()
    labels = {f.name: str(f.verbose_name) for f in Library._meta.get_fields() if f.concrete}
    for record in records:
        if not isinstance(record, dict):
            result.rows.append(Row("", "", Outcome.ERROR, note=_("not a library record")))
            continue
        country = tidy(record.get("country_code")).lower()
        if country != "se":
            result.rows.append(
                Row(
                    tidy(record.get("sigel")),
                    tidy(record.get("name")),
                    Outcome.FOREIGN,
                    note=_("country code %(code)s") % {"code": country or "–"},
                )
            )
            continue
        try:
            entry = read_entry(record, places)
        except RecordError as error:
            result.rows.append(
                Row(
                    tidy(record.get("sigel")),
                    tidy(record.get("name")),
                    Outcome.ERROR,
                    note=str(error),
                )
            )
            continue
        key = entry.sigel.casefold()
        if key in seen:
            result.rows.append(_row(entry, Outcome.ERROR, _("the sigel is in the directory twice")))
            continue
        seen.add(key)
        library = libraries.get(key)
        if library is None:
            library = Library(sigel=entry.sigel, active=False, **entry.fields())
            library.save()
            libraries[key] = library
            result.rows.append(_row(entry, Outcome.NEW))
            continue
        changed = [
            name for name, value in entry.fields().items() if getattr(library, name) != value
        ]
        if not changed:
            result.rows.append(_row(entry, Outcome.UNCHANGED))
            continue
        for name in changed:
            setattr(library, name, entry.fields()[name])
        library.save(update_fields=changed)
        result.rows.append(_row(entry, Outcome.CHANGED, ", ".join(labels[n] for n in changed)))
    if full:
        for key, library in sorted(libraries.items()):
            if key not in seen:
                result.rows.append(
                    Row(
                        library.sigel,
                        library.name,
                        Outcome.MISSING,
                        library.get_library_type_display(),
                        library.county.name,
                        library.municipality_name,
                        _("kept as it is"),
                    )
                )
    return result


def fetch(source: str, *, since: date | None = None) -> list[dict]:
    return records_from_api(source, since=since) if is_url(source) else records_from_file(source)


def sync(source: str, *, since: date | None = None, dry_run: bool = False) -> Result:
    """Read the whole source first, then write every change in one transaction: a
    failed fetch (FetchFailed) changes nothing. A run that is not a dry run is
    recorded as a DirectorySync, failed or not."""
    started = timezone.now()
    record = None
    if not dry_run:
        record = DirectorySync.objects.create(
            started_at=started, source=shown(source)[:500], since=since
        )
    try:
        records = fetch(source, since=since)
        with transaction.atomic():
            result = apply_records(records, full=since is None)
            if dry_run:
                transaction.set_rollback(True)
    except Exception as error:
        if record is not None:
            record.finished_at = timezone.now()
            record.error = str(error)[:2000]
            record.save(update_fields=["finished_at", "error"])
        raise
    if record is not None:
        record.finished_at = timezone.now()
        record.ok = True
        record.summary = result.summary()
        record.save(update_fields=["finished_at", "ok", "summary"])
    return result


# -- the report ------------------------------------------------------------------------


def report_columns() -> list[str]:
    return [
        _("Sigel"),
        _("Name"),
        _("Outcome"),
        _("Library type"),
        _("County"),
        _("Municipality"),
        _("Remark"),
    ]


def _cell(text) -> str:
    """A text that a spreadsheet would run as a formula gets a leading apostrophe."""
    text = str(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(path: str, columns: list[str], rows: list[list]) -> None:
    """UTF-8 with BOM and ";" between fields: what Swedish Excel opens right."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])


def write_report(path: str, result: Result) -> None:
    write_csv(
        path,
        report_columns(),
        [
            [
                r.sigel,
                r.name,
                Outcome.label(r.outcome),
                r.library_type,
                r.county,
                r.municipality,
                r.note,
            ]
            for r in result.rows
        ],
    )


# -- suggestions for libraries without a sigel -----------------------------------------


def normalised(name: str) -> str:
    """Letter case, accents on foreign letters, punctuation and spacing ignored
    (å, ä, ö kept: they are letters of their own in Swedish)."""
    text = name.casefold()
    text = "".join(
        c for c in unicodedata.normalize("NFC", text) if c in "åäö" or not unicodedata.combining(c)
    )
    text = re.sub(r"[^\wåäö]+", " ", text)
    return " ".join(text.split())


@dataclass
class Suggestion:
    library: Library
    entries: list  # Entry, best first


def suggestions(records: list[dict]) -> list[Suggestion]:
    """For every library without a sigel: the Swedish directory entries in the same
    municipality (or, for a region's library, the same county without one) whose
    normalised name is the same, or contains the other."""
    places = Places()
    entries = []
    for record in records:
        if not isinstance(record, dict) or tidy(record.get("country_code")).lower() != "se":
            continue
        try:
            entries.append(read_entry(record, places))
        except RecordError:
            continue
    by_place = {}
    for entry in entries:
        place = (entry.county.pk, entry.municipality.pk if entry.municipality else None)
        by_place.setdefault(place, []).append(entry)
    found = []
    for library in Library.objects.filter(sigel="").select_related("county", "municipality"):
        name = normalised(library.name)
        candidates = by_place.get((library.county_id, library.municipality_id), [])
        exact = [e for e in candidates if normalised(e.name) == name]
        close = [
            e
            for e in candidates
            if e not in exact and (normalised(e.name) in name or name in normalised(e.name))
        ]
        found.append(Suggestion(library, exact + close))
    return found
