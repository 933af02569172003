"""Keep the Swedish catalogue complete: extract, translate, compile.

    manage.py catalog                    # refresh msgids from the code, compile, report gaps
    manage.py catalog --missing          # print untranslated msgids as JSON
    manage.py catalog --missing --only borrowers/ templates/borrowers/   # just yours
    manage.py catalog --apply sv.json    # add translations {"msgid": "msgstr" | [singular, plural]}

Several people may work at once: every step holds a lock on the catalogue.
"""

import fcntl
import json
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"


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

    def handle(self, *args, **options):
        import polib

        with locked():
            call_command(
                "makemessages",
                locale=["sv"],
                no_obsolete=True,
                add_location="file",
                ignore_patterns=[".venv/*", "staticfiles/*", "tests/*"],
                verbosity=0,
            )
            catalogue = polib.pofile(str(CATALOGUE), wrapwidth=100)
            if options["apply"]:
                self.apply(catalogue, json.loads(Path(options["apply"]).read_text("utf-8")))
            for entry in catalogue:
                if "fuzzy" in entry.flags:  # a guess by msgmerge is never shipped
                    entry.flags.remove("fuzzy")
                    entry.msgstr = ""
                    entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
                    entry.previous_msgid = entry.previous_msgid_plural = None
            catalogue.metadata.update(
                {
                    "Language": "sv",
                    "Content-Type": "text/plain; charset=UTF-8",
                    "Plural-Forms": "nplurals=2; plural=(n != 1);",
                }
            )
            catalogue.save()
            catalogue.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
        missing = [e for e in catalogue if not e.translated()]
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
