"""The Swedish catalogue is complete and the compiled catalogue matches it."""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_swedish_translation():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue if not e.translated()]
    assert untranslated == []
    assert not [e.msgid for e in catalogue if "fuzzy" in e.flags]


def test_the_compiled_catalogue_is_up_to_date(tmp_path):
    fresh = tmp_path / "django.mo"
    polib.pofile(str(PO)).save_as_mofile(str(fresh))
    assert fresh.read_bytes() == PO.with_suffix(".mo").read_bytes(), "run: make messages"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Re-extract into a copy of the project's catalogue: nothing new may appear."""
    copy = tmp_path / "portal"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "staticfiles", "db.sqlite3*")
    )
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            "manage.py",
            "makemessages",
            "-l",
            "sv",
            "--no-obsolete",
            "--add-location=file",
            "-i",
            ".venv/*",
            "-i",
            "staticfiles/*",
            "-i",
            "tests/*",
            "-v",
            "0",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / PO.relative_to(ROOT)))}
    ours = {e.msgid for e in polib.pofile(str(PO))}
    assert extracted - ours == set(), "run: make messages"


# --- The borrower's other languages (docs/languages.md) ------------------------------

OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_of(code: str) -> Path:
    return ROOT / "locale" / code / "LC_MESSAGES" / "django.po"


def borrower_facing(entry) -> bool:
    return any(
        path.startswith(tuple(settings.BORROWER_FACING_SOURCES)) for path, _ in entry.occurrences
    )


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_borrower_facing_string_is_translated(code):
    catalogue = polib.pofile(str(catalogue_of(code)))
    facing = [e for e in catalogue if borrower_facing(e)]
    assert len(facing) > 300, "the borrower's pages and mail are in the catalogue"
    assert [e.msgid for e in facing if not e.translated()] == []
    assert not [e.msgid for e in catalogue if "fuzzy" in e.flags]


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_the_compiled_catalogue_of_each_language_is_up_to_date(code, tmp_path):
    po = catalogue_of(code)
    fresh = tmp_path / "django.mo"
    polib.pofile(str(po)).save_as_mofile(str(fresh))
    assert fresh.read_bytes() == po.with_suffix(".mo").read_bytes(), "run: make messages"


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_translations_keep_every_placeholder(code):
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{ ?\w+ ?\}\}")
    catalogue = polib.pofile(str(catalogue_of(code)))
    broken = [
        e.msgid
        for e in catalogue
        if e.msgstr
        and sorted(placeholder.findall(e.msgid)) != sorted(placeholder.findall(e.msgstr))
    ]
    assert broken == []


def test_the_english_catalogue_holds_no_swedish():
    catalogue = polib.pofile(str(catalogue_of("en")))
    swedish = [e.msgstr for e in catalogue if set("åäöÅÄÖ") & set(e.msgstr)]
    assert swedish == []


def test_every_borrower_mail_and_page_is_a_borrower_facing_source():
    """A new borrower mail kind or Mina sidor template is translated because its file
    is named in BORROWER_FACING_SOURCES."""
    from notifications.models import BORROWER_KINDS

    files = [
        f"templates/mail/{kind}.{part}"
        for kind in BORROWER_KINDS
        for part in ("subject.txt", "txt", "html")
    ]
    files += [str(p.relative_to(ROOT)) for p in (ROOT / "templates" / "selfservice").iterdir()]
    sources = tuple(settings.BORROWER_FACING_SOURCES)
    assert [f for f in files if not f.startswith(sources)] == []
