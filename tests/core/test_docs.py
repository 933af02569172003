"""The documentation stays a guide, and history stays in git.

The README is read in five minutes (at most 200 lines) and points to docs/ for the
rest; no source file, template, test or document carries a work-item number (the
history of a change belongs to its commit). Migrations are left out: their names
are checked where they are made.
"""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README_MAX_LINES = 200
WORK_ITEM = re.compile(r"issue ?[0-9]|_i[0-9]{2}_", re.IGNORECASE)
CHECKED_SUFFIXES = {".py", ".md", ".html", ".toml"}
CHECKED_NAMES = {"Makefile"}
SKIPPED_DIRS = {"migrations", "node_modules", "__pycache__", "staticfiles"}
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def checked_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS]
        for name in files:
            path = Path(folder) / name
            if path.suffix in CHECKED_SUFFIXES or name in CHECKED_NAMES:
                yield path


def test_the_readme_is_read_in_five_minutes():
    lines = (ROOT / "README.md").read_text("utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines; move detail to a file in docs/"
    )


def test_no_file_names_a_work_item():
    found = []
    for path in checked_files():
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            # A test may import a data migration by its module name.
            if WORK_ITEM.search(line) and ".migrations." not in line:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "Say what the code does, not which work item made it:\n" + "\n".join(found)


def test_the_checks_see_the_project_and_leave_out_migrations():
    seen = {path.relative_to(ROOT).as_posix() for path in checked_files()}
    assert {"README.md", "Makefile", "pyproject.toml", "docs/architecture.md"} <= seen
    assert "tests/core/test_docs.py" in seen
    assert not any("/migrations/" in name for name in seen)


def test_every_link_of_the_readme_and_docs_leads_to_a_file():
    broken = []
    for document in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in LINK.findall(document.read_text("utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (document.parent / target).exists():
                broken.append(f"{document.relative_to(ROOT)} -> {target}")
    assert not broken, f"Links to nothing: {broken}"


def test_the_docs_hold_one_file_per_reader():
    docs = {path.name for path in (ROOT / "docs").glob("*.md")}
    assert {
        "operations.md",
        "architecture.md",
        "testing.md",
        "performance.md",
        "security.md",
        "privacy.md",
    } <= docs
