"""Keep the catalogues complete: extract, translate, compile.

    manage.py catalog                    # refresh msgids from the code, compile, report gaps
    manage.py catalog --missing          # print untranslated msgids as JSON
    manage.py catalog --missing --only borrowers/ templates/borrowers/   # just yours
    manage.py catalog --apply sv.json    # add translations {"msgid": "msgstr" | [singular, plural]}
    manage.py catalog --locale en --missing       # the borrower's strings without English
    manage.py catalog --locale en --apply en.json

Swedish (LANGUAGE_CODE) needs every msgid. Every other language of settings.LANGUAGES
needs the strings a borrower reads: those used in BORROWER_FACING_SOURCES
(docs/languages.md); the staff pages never show them.

Several people may work at once: every step holds a lock on the catalogue.
"""

import fcntl
import json
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def catalogue_path(locale: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / locale / "LC_MESSAGES" / "django.po"


def borrower_facing(entry) -> bool:
    """Used in a file a borrower reads (settings.BORROWER_FACING_SOURCES)."""
    return any(
        f.startswith(tuple(settings.BORROWER_FACING_SOURCES)) for f, _line in entry.occurrences
    )


def needed(entry, locale: str) -> bool:
    """A msgid the catalogue of `locale` must translate."""
    return locale == settings.LANGUAGE_CODE or borrower_facing(entry)


@contextmanager
def locked():
    lock_path = CATALOGUE.parent.parent.parent / ".catalog.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="print untranslated msgids")
        parser.add_argument(
            "--only",
            nargs="*",
            default=[],
            metavar="PATH",
            help="with --missing: only msgids used in files under these paths",
        )
        parser.add_argument("--apply", metavar="JSON", help="merge translations from a JSON file")
        parser.add_argument(
            "--locale",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="the catalogue --missing and --apply work on (default: Swedish)",
        )

    def handle(self, *args, **options):
        import polib

        locale = options["locale"]
        with locked():
            call_command(
                "makemessages",
                locale=[code for code, _name in settings.LANGUAGES],
                no_obsolete=True,
                add_location="file",
                ignore_patterns=[".venv/*", "staticfiles/*", "tests/*"],
                verbosity=0,
            )
            for code, _name in settings.LANGUAGES:
                catalogue = polib.pofile(str(catalogue_path(code)), wrapwidth=100)
                if options["apply"] and code == locale:
                    self.apply(catalogue, json.loads(Path(options["apply"]).read_text("utf-8")))
                self.tidy(catalogue, code)
                if code == locale:
                    chosen = catalogue
            catalogue = chosen
        missing = [e for e in catalogue if not e.translated() and needed(e, locale)]
        if options["only"]:
            missing = [
                e
                for e in missing
                if any(f.startswith(p) for f, _ in e.occurrences for p in options["only"])
            ]
        if options["missing"]:
            self.stdout.write(
                json.dumps(
                    {
                        e.msgid: ([e.msgid, e.msgid_plural] if e.msgid_plural else "")
                        for e in missing
                    },
                    ensure_ascii=False,
                    indent=1,
                )
            )
        else:
            self.stdout.write(f"{len(catalogue)} messages, {len(missing)} untranslated.")

    def tidy(self, catalogue, code: str) -> None:
        for entry in catalogue:
            if "fuzzy" in entry.flags:  # a guess by msgmerge is never shipped
                entry.flags.remove("fuzzy")
                entry.msgstr = ""
                entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
                entry.previous_msgid = entry.previous_msgid_plural = None
        catalogue.metadata.update(
            {
                "Language": code,
                "Content-Type": "text/plain; charset=UTF-8",
                "Plural-Forms": "nplurals=2; plural=(n != 1);",
            }
        )
        catalogue.save()
        catalogue.save_as_mofile(str(Path(catalogue.fpath).with_suffix(".mo")))

    def apply(self, catalogue, translations):
        for entry in catalogue:
            if entry.msgid not in translations:
                continue
            value = translations[entry.msgid]
            if entry.msgid_plural:
                singular, plural = value
                entry.msgstr_plural = {0: singular, 1: plural}
            else:
                entry.msgstr = value
