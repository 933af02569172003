"""One import run: files of the old register into the registry, all or nothing.

The whole run is one transaction. Without `commit` it is rolled back at the end:
the dry run does everything the real run does (the rules, the registry's
constraints, the workflows) and reports the same, and writes nothing. A run that
is killed or fails part-way leaves the registry as it was.

Each account goes through the registration workflow (Borrower.objects.register)
or, when the identifier (borrowers) or e-mail (staff) is already there from an
earlier run at the same library, through Borrower.update_details; a row that
changes nothing leaves no trace. The import never queues mail.
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import StaffUser
from audit.log import record
from audit.models import Action
from borrowers.identity import IdentityError, parse_lma_number, parse_personal_number
from borrowers.models import AlreadyRegistered, Borrower
from borrowers.rules import email_taken_error
from libraries.models import Library

from .models import ImportedAccount
from .reading import FileError, FileKind, SourceFile, open_source
from .rows import (
    EMAIL_TWICE,
    LMA,
    NUMBER_TWICE,
    PERSONAL,
    BorrowerRules,
    RowProblems,
    StaffRules,
)

#: Ten or twelve digits in a row, with or without a separator: masked in every message.
_NUMBER = re.compile(r"(?<!\d)(\d{6}|\d{8})[-+]?\d{4}(?!\d)")


def mask(text: str) -> str:
    """A report line never holds an identity number: ÅÅÅÅMMDD-****."""
    return _NUMBER.sub(lambda m: f"{m.group(1)}-****", text)


@dataclass
class Message:
    file: str
    row: int | None
    column: str
    text: str
    warning: bool = False


@dataclass
class Summary:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    warnings: int = 0
    committed: bool = False
    messages: list[Message] = field(default_factory=list)

    def line(self) -> str:
        return gettext(
            "Imported: %(imported)s · Updated: %(updated)s · Unchanged: %(unchanged)s · "
            "Errors: %(errors)s · Warnings: %(warnings)s"
        ) % {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "warnings": self.warnings,
        }

    def as_dict(self) -> dict:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "warnings": self.warnings,
            "committed": self.committed,
        }


class _DryRun(Exception):
    pass


#: The fields an import may change on an account it brought in earlier.
UPDATED_FIELDS = (
    "email",
    "valid_until",
    "first_name",
    "last_name",
    "guardian_birth_date",
    "guardian_name",
    "registered_as_minor",
    "last_login",
    "language",
)


class Importer:
    """`by`: the MTM staff member (the admin's upload) or None (the command).
    `progress(done, total)` is called after each row; `after_row(done)` too (tests)."""

    def __init__(
        self,
        *,
        by=None,
        commit: bool = False,
        progress: Callable[[int, int], None] | None = None,
        only_library: Library | None = None,
    ):
        self.by = by
        self.commit = commit
        self.progress = progress
        self.after_row: Callable[[int], None] | None = None
        self.only_library = only_library
        self.summary = Summary()
        self.today = timezone.localdate()
        self._activate: set[int] = set()

    # --- the run --------------------------------------------------------------------

    def run(self, files: list[tuple[str, str]]) -> Summary:
        """`files`: (path, name in the report). Staff files go first."""
        sources = []
        for path, name in files:
            try:
                sources.append(open_source(path, name))
            except FileError as error:
                self._error(name, None, "", str(error))
        sources.sort(key=lambda s: s.kind is not FileKind.STAFF)
        numbers, emails, total = self._count_keys(sources)
        self._twice = (
            {key for key, n in numbers.items() if n > 1},
            {key for key, n in emails.items() if n > 1},
        )
        self._total, self._done = total, 0
        try:
            with transaction.atomic():
                borrower_rules = BorrowerRules(today=self.today)
                staff_rules = StaffRules(borrower_rules)
                for source in sources:
                    for number, row in source.rows():
                        self._one_row(source, number, row, borrower_rules, staff_rules)
                if self._activate:
                    # A library named by an imported account has an account with MTM.
                    Library.objects.filter(pk__in=self._activate, active=False).update(active=True)
                if not self.commit:
                    raise _DryRun
        except _DryRun:
            pass
        self.summary.committed = self.commit
        return self.summary

    def _count_keys(self, sources: list[SourceFile]) -> tuple[Counter, Counter, int]:
        """How often each identifier and e-mail occurs in the files (a first pass)."""
        numbers, emails, total = Counter(), Counter(), 0
        for source in sources:
            for _number, row in source.rows():
                total += 1
                if row.get("E-post"):
                    emails[row["E-post"].strip().casefold()] += 1
                key = _identifier_key(row, today=self.today)
                if key:
                    numbers[key] += 1
        return numbers, emails, total

    def _one_row(self, source, number, row, borrower_rules, staff_rules) -> None:
        try:
            self._check_twice(row)
            if source.kind is FileKind.STAFF:
                judged = staff_rules.judge(row)
                self._check_library(judged)
                self._apply_staff(source, number, judged)
            else:
                judged = borrower_rules.judge(row)
                self._check_library(judged)
                self._apply_borrower(source, number, row, judged)
            for column, text in judged.warnings:
                self._warning(source.name, number, column, text)
        except RowProblems as refused:
            self.summary.errors += 1
            for column, text in refused.problems:
                self._message(source.name, number, column, text)
        self._done += 1
        if self.progress is not None:
            self.progress(self._done, self._total)
        if self.after_row is not None:
            self.after_row(self._done)

    def _check_twice(self, row) -> None:
        numbers, emails = self._twice
        problems = []
        key = _identifier_key(row, today=self.today)
        if key and key in numbers:
            problems.append(
                (LMA if row.get(LMA) and not row.get(PERSONAL) else PERSONAL, NUMBER_TWICE)
            )
        if row.get("E-post", "").strip().casefold() in emails:
            problems.append(("E-post", EMAIL_TWICE))
        if problems:
            raise RowProblems([(column, gettext(text)) for column, text in problems])

    def _check_library(self, judged) -> None:
        """The admin's upload is for one library: its main library and branches."""
        library = judged.values["library"]
        if self.only_library is None or judged.values.get("protected"):
            return
        allowed = set(self.only_library.with_branches().values_list("pk", flat=True))
        if library.pk not in allowed:
            raise RowProblems(
                [
                    (
                        "Bibliotek",
                        gettext("The row names another library than the one imported for."),
                    )
                ]
            )

    # --- writing ----------------------------------------------------------------------

    def _apply_borrower(self, source, number, row, judged) -> None:
        values = dict(judged.values)
        last_login = values.pop("last_login")
        password = values.pop("password")
        existing = judged.existing
        if existing is None:
            values["language"] = values["language"] or settings.LANGUAGE_CODE
            try:
                borrower = Borrower.objects.register(
                    by=None, send_credentials=False, via="import", **values
                )
            except AlreadyRegistered:
                raise RowProblems([("E-post", str(email_taken_error().messages[0]))]) from None
            fields = ["last_login"] if last_login else []
            borrower.last_login = last_login
            if password:
                borrower.password = password
                fields.append("password")
            if fields:
                Borrower.objects.filter(pk=borrower.pk).update(
                    **{name: getattr(borrower, name) for name in fields}
                )
            ImportedAccount.objects.create(borrower=borrower)
            self.summary.imported += 1
        else:
            borrower = existing
            changes = {
                "email": values["email"],
                "valid_until": values["valid_until"],
                "first_name": values["first_name"] if not values["protected"] else "",
                "last_name": values["last_name"] if not values["protected"] else "",
                "guardian_birth_date": values["guardian_birth_date"] if values["minor"] else None,
                "guardian_name": values["guardian_name"] if values["minor"] else "",
                "registered_as_minor": values["minor"],
                "last_login": last_login or existing.last_login,
            }
            if values["language"]:
                changes["language"] = values["language"]
            changed = borrower.update_details(by=self.by, services=values["services"], **changes)
            if not changed:
                self.summary.unchanged += 1
                return
            self.summary.updated += 1
        if borrower.library_id:
            self._activate.update({borrower.library_id, borrower.library.main_library.pk})
        record(
            Action.IMPORTED,
            actor=self.by,
            borrower=borrower,
            file=source.name,
            file_sha256=source.sha256,
            row=number,
        )

    def _apply_staff(self, source, number, judged) -> None:
        values = judged.values
        user = judged.existing
        library = values["library"]
        if user is None:
            user = StaffUser.objects.create_user(
                values["email"],
                None,
                first_name=values["first_name"],
                last_name=values["last_name"],
                library=library,
                role=values["role"],
            )
            if values["password"]:
                user.password = values["password"]
                user.save(update_fields=["password"])
            ImportedAccount.objects.create(staff=user)
            self.summary.imported += 1
        else:
            changed = [
                name
                for name in ("first_name", "last_name", "role")
                if getattr(user, name) != values[name]
            ]
            if not changed:
                self.summary.unchanged += 1
                return
            for name in changed:
                setattr(user, name, values[name])
            user.save(update_fields=changed)
            self.summary.updated += 1
        self._activate.update({library.pk, library.main_library.pk})
        record(
            Action.IMPORTED,
            actor=self.by,
            library=library,
            staff=user.pk,
            file=source.name,
            file_sha256=source.sha256,
            row=number,
        )

    # --- the report -------------------------------------------------------------------

    def _message(self, file, row, column, text, *, warning=False) -> None:
        self.summary.messages.append(Message(file, row, column, mask(str(text)), warning))

    def _error(self, file, row, column, text) -> None:
        self.summary.errors += 1
        self._message(file, row, column, text)

    def _warning(self, file, row, column, text) -> None:
        self.summary.warnings += 1
        self._message(file, row, column, text, warning=True)


def _identifier_key(row: dict, *, today) -> str:
    """The identifier as stored, when the row's number reads as one; "" otherwise."""
    try:
        if row.get(PERSONAL):
            return parse_personal_number(row[PERSONAL], today=today).value
        if row.get(LMA):
            return parse_lma_number(row[LMA]).value
    except IdentityError:
        pass
    return ""
