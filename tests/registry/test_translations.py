"""The Swedish catalogue is complete and the compiled catalogue matches it."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

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
    copy = tmp_path / "project"
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
