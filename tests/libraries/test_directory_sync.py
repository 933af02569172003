"""MTM keeps the libraries in step with Biblioteksdatabasen: manage.py sync_libraries
on a saved dump or the API (a local server here), the report, the nightly run."""

import csv
import io
import json
from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from libraries.directory import BIBDB_TYPES, FetchFailed, records_from_file
from libraries.models import DirectorySync, Library, LibraryType, Municipality
from tests.factories import LibraryFactory
from tests.libraries.bibdb import DATA, fixture, generated, serving

DUMP = str(DATA / "bibdb_dump.json")

#: Every library type Biblioteksdatabasen has (its documentation's list).
BIBDB_CODES = [
    "natbib",
    "folkbib",
    "folkskolbib",
    "specbib",
    "sjukbib",
    "myndbib",
    "busbib",
    "musbib",
    "muskom",
    "muslan",
    "musstat",
    "skolbib",
    "friskol",
    "gymbib",
    "frisgym",
    "statskol",
    "vuxbib",
    "univbib",
    "folkhogbib",
    "ovrbib",
]


def sync(*args) -> str:
    out = io.StringIO()
    call_command("sync_libraries", *args, stdout=out)
    return out.getvalue()


def summary_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def read_report(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_every_bibdb_type_maps_to_a_library_type():
    unmapped = [code for code in BIBDB_CODES if code not in BIBDB_TYPES]
    assert unmapped == []
    assert {LibraryType(t) for t in BIBDB_TYPES.values()} <= set(LibraryType)
    assert BIBDB_TYPES["sjukbib"] == LibraryType.HOSPITAL
    assert BIBDB_TYPES["folkbib"] == LibraryType.PUBLIC


def test_a_full_dump_creates_inactive_libraries_and_reports_every_row(db, tmp_path):
    report = tmp_path / "rapport.csv"
    output = sync(DUMP, "--report", str(report))
    assert summary_line(output) == (
        "Nya: 7 · Ändrade: 0 · Oförändrade: 0 · Saknas i katalogen: 0 · Fel: 1"
    )
    assert "Utländska (hoppades över): 2" in output
    created = Library.objects.filter(sigel__in=["Vall", "Sdby", "Slit", "Jsjh", "Nyty"])
    assert created.count() == 5 and not created.filter(active=True).exists()
    # A name in capitals is kept as given, trimmed.
    assert Library.objects.get(sigel="Sdby").name == "SUNDBYBERGS STADSBIBLIOTEK"
    assert Library.objects.get(sigel="Gbgu").name == "Göteborgs universitetsbibliotek"
    # The visiting address: `gen`, else `stat`.
    vallentuna = Library.objects.get(sigel="Vall")
    assert (vallentuna.street_address, vallentuna.postal_code) == ("Allévägen 1", "186 39")
    assert Library.objects.get(sigel="Sdby").street_address == "Kyrkogatan 2"
    assert Library.objects.get(sigel="Slit").street_address == ""
    assert Library.objects.get(sigel="Katl").library_type == LibraryType.SCHOOL
    # A region's hospital library: its county, no municipality.
    region = Library.objects.get(sigel="Jsjh")
    assert region.county.name == "Jämtlands län" and region.municipality is None
    assert region.library_type == LibraryType.HOSPITAL
    assert Library.objects.get(sigel="Nyty").library_type == LibraryType.OTHER
    assert not Library.objects.filter(sigel__in=["Hels", "Oslo", "Fel1"]).exists()

    rows = read_report(report)
    assert rows[0] == ["Sigel", "Namn", "Utfall", "Bibliotekstyp", "Län", "Kommun", "Anmärkning"]
    by_sigel = {row[0]: row for row in rows[1:]}
    assert len(rows) == 1 + 10 and set(by_sigel) == {
        "Vall",
        "Sdby",
        "Slit",
        "Jsjh",
        "Nyty",
        "Hels",
        "Oslo",
        "Gbgu",
        "Katl",
        "Fel1",
    }
    assert by_sigel["Jsjh"][2:6] == ["Ny", "Sjukhusbibliotek", "Jämtlands län", ""]
    assert "okänd bibliotekstyp nyttbib" in by_sigel["Nyty"][6]
    assert "ingen besöksadress" in by_sigel["Slit"][6]
    assert by_sigel["Hels"][2] == "Inte svenskt: hoppades över"
    assert by_sigel["Fel1"][2] == "Fel" and "9999" in by_sigel["Fel1"][6]


def test_a_second_run_of_the_same_dump_changes_nothing(db):
    sync(DUMP)
    assert summary_line(sync(DUMP)) == (
        "Nya: 0 · Ändrade: 0 · Oförändrade: 7 · Saknas i katalogen: 0 · Fel: 1"
    )


def test_a_known_sigel_is_updated_but_the_registrys_own_fields_are_kept(db):
    main = LibraryFactory(name="Huvudbiblioteket", sigel="Huvud")
    known = LibraryFactory(
        sigel="VALL",  # the same sigel in another letter case
        name="Vallentuna kommunbibliotek",
        library_type=LibraryType.SCHOOL,
        municipality=Municipality.objects.get(name="Stockholm"),
        parent=main,
        active=True,
        contact_name="Tove Talbok",
        contact_email="talbok@vallentuna.example",
    )
    output = sync(str(DATA / "bibdb_page.json"))
    assert "Ändrade: 1" in summary_line(output)
    known.refresh_from_db()
    assert known.name == "Vallentuna bibliotek"
    assert known.library_type == LibraryType.PUBLIC
    assert known.municipality.name == "Vallentuna" and known.county.name == "Stockholms län"
    assert known.street_address == "Allévägen 1"
    assert (known.contact_name, known.contact_email) == ("Tove Talbok", "talbok@vallentuna.example")
    assert known.active and known.parent == main and known.sigel == "VALL"


def test_a_library_missing_from_a_full_dump_is_reported_and_kept(db, tmp_path):
    gone = LibraryFactory(sigel="Borta", name="Det nedlagda biblioteket", active=True)
    unmatched = LibraryFactory(sigel="", name="Biblioteket utan sigel")
    report = tmp_path / "r.csv"
    output = sync(DUMP, "--report", str(report))
    assert "Saknas i katalogen: 1" in summary_line(output)
    gone.refresh_from_db()
    assert gone.active and gone.name == "Det nedlagda biblioteket"
    assert Library.objects.filter(pk=unmatched.pk).exists()
    row = next(r for r in read_report(report) if r[0] == "Borta")
    assert row[2] == "Saknas i katalogen"


def test_a_dry_run_writes_nothing(db, tmp_path):
    output = sync(DUMP, "--dry-run", "--report", str(tmp_path / "r.csv"))
    assert "Nya: 7" in summary_line(output)
    assert not Library.objects.filter(sigel="Vall").exists()
    assert not DirectorySync.objects.exists()
    assert len(read_report(tmp_path / "r.csv")) == 11


def test_a_directory_of_pages_is_one_dump(db, tmp_path):
    first, second = fixture("bibdb_dump.json")
    (tmp_path / "1.json").write_text(json.dumps(first), encoding="utf-8")
    (tmp_path / "2.json").write_text(json.dumps(second), encoding="utf-8")
    assert len(records_from_file(str(tmp_path))) == 10


def test_an_unreadable_file_changes_nothing_and_says_why(db, tmp_path):
    broken = tmp_path / "trasig.json"
    broken.write_text('{"libraries": [', encoding="utf-8")
    with pytest.raises(CommandError, match=r"Inget ändrades: .*trasig\.json är inte JSON"):
        sync(str(broken))
    wrong = tmp_path / "fel.json"
    wrong.write_text('{"hits": []}', encoding="utf-8")
    with pytest.raises(FetchFailed):
        records_from_file(str(wrong))
    assert not Library.objects.filter(sigel__startswith="Vall").exists()
    run = DirectorySync.objects.get()
    assert not run.ok and "trasig.json" in run.error


def test_the_api_is_read_page_by_page_from_a_local_server(db):
    records = generated(450)
    with serving(records) as (base, asked):
        output = sync(base)
    assert summary_line(output).startswith("Nya: 450 · Ändrade: 0")
    assert [(q["dump"], q["start"], q["n"]) for q in asked] == [
        ("true", "0", "200"),
        ("true", "200", "200"),
        ("true", "400", "200"),
    ]
    assert Library.objects.filter(sigel__startswith="Gen").count() == 450
    # Every ninth generated record is filed under a county (code 2300).
    assert Library.objects.filter(sigel="Gen8", municipality__isnull=True).exists()
    run = DirectorySync.objects.get()
    assert run.ok and run.summary == summary_line(output) and run.finished_at


def test_a_failed_page_changes_nothing_and_the_run_says_why(db):
    failing = pytest.raises(CommandError, match="Inget ändrades: Biblioteksdatabasen svarade 500")
    with serving(generated(450), fail_at=200) as (base, _asked), failing:
        sync(base)
    assert not Library.objects.filter(sigel__startswith="Gen").exists()
    run = DirectorySync.objects.get()
    assert not run.ok and "500" in run.error


def test_since_asks_for_the_changes_and_reports_no_missing(db):
    LibraryFactory(sigel="Borta")
    with serving(generated(3)) as (base, asked):
        output = sync(base, "--since", "2026-11-30")
    assert asked[0]["updatedDatum"] == "2026-11-30"
    assert summary_line(output) == (
        "Nya: 3 · Ändrade: 0 · Oförändrade: 0 · Saknas i katalogen: 0 · Fel: 0"
    )


def test_the_nightly_run_asks_for_changes_since_its_last_success(db):
    with serving(generated(2)) as (base, asked):
        with time_machine.travel("2026-12-01 02:30 +0100", tick=False):
            sync(base, "--since-last-success")  # the first: the whole directory
        with time_machine.travel("2026-12-02 02:30 +0100", tick=False):
            sync(base, "--since-last-success")
    assert "updatedDatum" not in asked[0]
    assert asked[1]["updatedDatum"] == "2026-12-01"
    assert DirectorySync.objects.first().since == date(2026, 12, 1)


def test_since_needs_the_api(db):
    with pytest.raises(CommandError, match="--since"):
        sync(DUMP, "--since", "2026-12-01")


def test_suggest_lists_directory_entries_for_libraries_without_a_sigel(db, tmp_path):
    vallentuna = Municipality.objects.get(name="Vallentuna")
    LibraryFactory(sigel="", name="VALLENTUNA BIBLIOTEK", municipality=vallentuna)
    LibraryFactory(sigel="", name="Biblioteket som saknas", municipality=vallentuna)
    report = tmp_path / "forslag.csv"
    output = sync(DUMP, "--suggest", "--report", str(report))
    assert "VALLENTUNA BIBLIOTEK (Vallentuna): Vall – Vallentuna bibliotek" in output
    assert "Biblioteket som saknas (Vallentuna): ingen träff" in output
    assert not Library.objects.filter(sigel="Vall").exists()  # it changes nothing
    rows = read_report(report)
    assert rows[0][3] == "Föreslagen sigel" and [r[3] for r in rows[1:] if r[3]] == ["Vall"]


def test_a_sigel_is_unique_ignoring_letter_case(db):
    LibraryFactory(sigel="Vall")
    with pytest.raises(IntegrityError), transaction.atomic():
        LibraryFactory(sigel="vALL")
    LibraryFactory(sigel="")
    LibraryFactory(sigel="")  # libraries not yet matched have none
    assert Library.objects.filter(sigel="").count() == 2


def test_the_sync_never_writes_a_sigel_twice(db):
    records = [*generated(1), *generated(1, prefix="GEN")]  # Gen1 and GEN1
    with serving(records) as (base, _asked):
        output = sync(base)
    assert summary_line(output).endswith("Fel: 1")
    assert Library.objects.filter(sigel__iexact="gen1").count() == 1


def test_a_password_in_the_url_is_never_stored_nor_printed(db):
    with serving(generated(1), fail_at=0) as (base, _asked):
        secret = base.replace("http://", "http://mtm:hemligt@")
        with pytest.raises(CommandError) as failed:
            sync(secret)
    run = DirectorySync.objects.get()
    assert "hemligt" not in str(failed.value)
    assert "hemligt" not in run.source and "hemligt" not in run.error
