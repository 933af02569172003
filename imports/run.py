"""One import run: files of the old register into the registry, all or nothing.

The whole run is one transaction. Without `commit` it is rolled back at the end:
the dry run does everything the real run does (the rules, the registry's
constraints, the workflows) and reports the same, and writes nothing. A run that
is killed or fails part-way leaves the registry as it was.

Borrower rows go in batches of BATCH_SIZE: the registry is asked about a batch's
identifiers and e-mail addresses at once, each row is judged by the rules
(imports/rows.py), and the batch's new accounts go through the registration
workflow for many (Borrower.objects.register_many: what register() writes, in a
few statements). An account already there from an earlier run at the same
library (keyed by identifier; staff by e-mail) goes through
Borrower.update_details; a row that changes nothing leaves no trace. The import
never queues mail.
"""

import gc
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import StaffUser
from audit.log import record, record_many
from audit.models import Action
from borrowers.models import AgreementText, AlreadyRegistered, Borrower
from borrowers.rules import email_taken_error
from core.bulk import create_many
from libraries.models import Library

from .models import ImportedAccount
from .passwords import Prewrapped
from .reading import FileError, FileKind, SourceFile, open_source
from .rows import (
    EMAIL_TWICE,
    LMA,
    NUMBER_TWICE,
    PERSONAL,
    BorrowerRules,
    RowProblems,
    StaffRules,
    identifier_key,
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


#: Borrower rows judged and written together: the registry is asked once per batch,
#: and the batch's new accounts are written in a few statements.
BATCH_SIZE = 1000
#: Imported accounts after which the borrower table's statistics are first renewed.
ANALYZE_FROM = 10_000


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
        self._agreements: dict[tuple[str, bool], AgreementText | None] = {}
        self._allowed: set[int] | None = None
        self._analyzed_at = 0
        self._keys: dict[int, Iterator[str]] = {}  # per source: the first pass's keys

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
        hashes = Prewrapped()
        # The cyclic garbage collector's full passes would scan everything alive, the
        # process's own modules and objects too, again and again during a large run:
        # freeze() sets what is alive now aside until the run ends.
        gc.freeze()
        try:
            numbers, emails, total = self._count_keys(sources, hashes)
            self._twice = (
                {key for key, n in numbers.items() if n > 1},
                {key for key, n in emails.items() if n > 1},
            )
            self._total, self._done = total, 0
            self._write(sources, hashes)
        finally:
            hashes.close()
            gc.unfreeze()
        order = {name: index for index, (_path, name) in enumerate(files)}
        self.summary.messages.sort(key=lambda m: (order.get(m.file, 0), m.row or 0))
        self.summary.committed = self.commit
        return self.summary

    def _write(self, sources: list[SourceFile], hashes: Prewrapped) -> None:
        """Every row in one transaction, rolled back unless the run commits."""
        try:
            with transaction.atomic():
                borrower_rules = BorrowerRules(today=self.today, hashes=hashes)
                staff_rules = StaffRules(borrower_rules)
                for source in sources:
                    for batch in _batches(source.rows(), BATCH_SIZE):
                        if source.kind is FileKind.STAFF:
                            for number, row in batch:
                                self._staff_row(source, number, row, staff_rules)
                        else:
                            keys = list(islice(self._keys[id(source)], len(batch)))
                            self._borrower_batch(source, batch, keys, borrower_rules)
                            self._keep_statistics()
                        for _row in batch:
                            self._row_done()
                if self._activate:
                    # A library named by an imported account has an account with MTM.
                    Library.objects.filter(pk__in=self._activate, active=False).update(active=True)
                if not self.commit:
                    raise _DryRun
        except _DryRun:
            pass

    def _count_keys(self, sources: list[SourceFile], hashes: Prewrapped):
        """How often each identifier and e-mail occurs in the files (a first pass,
        which also starts wrapping the rows' {SSHA} hashes and keeps each row's
        identifier_key for the second)."""
        numbers, emails, total = Counter(), Counter(), 0
        for source in sources:
            keys = []
            for _number, row in source.rows():
                total += 1
                if row.get("E-post"):
                    emails[row["E-post"].strip().casefold()] += 1
                key = identifier_key(row, today=self.today)
                keys.append(key)
                if key:
                    numbers[key] += 1
                hashes.submit(row.get("Lösenordshash", ""))
            self._keys[id(source)] = iter(keys)
        return numbers, emails, total

    def _keep_statistics(self) -> None:
        """PostgreSQL plans the batches' look-ups by its statistics of the borrower
        table, which the run's own rows leave behind: believing the table small, it
        reads all of it for each batch, a cost that grows with the run
        (docs/performance.md). ANALYZE, which counts this transaction's rows too,
        each time the run has doubled what it wrote, so the look-ups keep using the
        unique indexes, at a handful of ANALYZEs in all."""
        written = self.summary.imported
        if connection.vendor != "postgresql" or written < max(ANALYZE_FROM, 2 * self._analyzed_at):
            return
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Borrower._meta.db_table}")
        self._analyzed_at = written

    def _row_done(self) -> None:
        self._done += 1
        if self.progress is not None:
            self.progress(self._done, self._total)
        if self.after_row is not None:
            self.after_row(self._done)

    def _staff_row(self, source, number, row, staff_rules) -> None:
        try:
            self._check_twice(row, "")
            judged = staff_rules.judge(row)
            self._check_library(judged)
            self._apply_staff(source, number, judged)
        except RowProblems as refused:
            self._refused(source.name, number, refused)

    def _borrower_batch(self, source, batch, keys, rules) -> None:
        """Judge a batch's rows (`keys`: their identifier_key) against one look-up of
        the registry; earlier imports are updated row by row, new accounts
        registered together."""
        known = rules.look_up([row for _number, row in batch], set(keys))
        new = []
        for (number, row), key in zip(batch, keys, strict=True):
            try:
                self._check_twice(row, key)
                judged = rules.judge(row, known)
                self._check_library(judged)
                if judged.existing is None:
                    new.append((number, judged))
                else:
                    self._update_borrower(source, number, judged)
            except RowProblems as refused:
                self._refused(source.name, number, refused)
        self._register(source, new)

    def _refused(self, file: str, number: int, refused: RowProblems) -> None:
        self.summary.errors += 1
        for column, text in refused.problems:
            self._message(file, number, column, text)

    def _check_twice(self, row, key: str) -> None:
        """`key`: the row's identifier_key."""
        numbers, emails = self._twice
        problems = []
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
        if self._allowed is None:
            self._allowed = set(self.only_library.with_branches().values_list("pk", flat=True))
        if library.pk not in self._allowed:
            raise RowProblems(
                [
                    (
                        "Bibliotek",
                        gettext("The row names another library than the one imported for."),
                    )
                ]
            )

    # --- writing ----------------------------------------------------------------------

    def _register(self, source, new: list) -> None:
        """New accounts through the registration workflow, a batch at a time. When a
        desk registered one of the people meanwhile, the batch is written again one
        account at a time, so that only that row is refused."""
        if not new:
            return
        accounts = [self._account(judged) for _number, judged in new]
        try:
            Borrower.objects.register_many(accounts, by=None, via="import")
        except AlreadyRegistered:
            if len(new) > 1:
                for item in new:
                    self._register(source, [item])
            else:
                self._refused(
                    source.name, new[0][0], RowProblems([("E-post", email_taken_message())])
                )
            return
        borrowers = [borrower for borrower, _services in accounts]
        create_many(ImportedAccount, [ImportedAccount(borrower_id=b.pk) for b in borrowers])
        record_many(
            Action.IMPORTED,
            (
                {"borrower": borrower, **self._origin(source, number)}
                for borrower, (number, _judged) in zip(borrowers, new, strict=True)
            ),
            actor=self.by,
        )
        for borrower, (number, judged) in zip(borrowers, new, strict=True):
            self.summary.imported += 1
            self._imported_at(borrower.library)
            self._warnings(source.name, number, judged)

    def _account(self, judged) -> tuple[Borrower, list]:
        """The unsaved account (Borrower.objects.build) with its history, and its services."""
        values = dict(judged.values)
        last_login = values.pop("last_login")
        password = values.pop("password")
        services = values.pop("services")
        language = values["language"] = values["language"] or settings.LANGUAGE_CODE
        key = (language, values["minor"])
        if key not in self._agreements:
            self._agreements[key] = AgreementText.current(language, minor=values["minor"])
        borrower = Borrower.objects.build(by=None, agreement_text=self._agreements[key], **values)
        borrower.last_login = last_login
        borrower.password = password
        return borrower, services

    def _update_borrower(self, source, number, judged) -> None:
        """An account of an earlier run: the row's changes, audited as an update."""
        values = judged.values
        borrower = judged.existing
        changes = {
            "email": values["email"],
            "valid_until": values["valid_until"],
            "first_name": values["first_name"] if not values["protected"] else "",
            "last_name": values["last_name"] if not values["protected"] else "",
            "guardian_birth_date": values["guardian_birth_date"] if values["minor"] else None,
            "guardian_name": values["guardian_name"] if values["minor"] else "",
            "registered_as_minor": values["minor"],
            "last_login": values["last_login"] or borrower.last_login,
        }
        if values["language"]:
            changes["language"] = values["language"]
        if not borrower.update_details(by=self.by, services=values["services"], **changes):
            self.summary.unchanged += 1
            return
        self.summary.updated += 1
        self._imported_at(borrower.library)
        record(Action.IMPORTED, actor=self.by, borrower=borrower, **self._origin(source, number))
        self._warnings(source.name, number, judged)

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
        self._imported_at(library)
        record(
            Action.IMPORTED,
            actor=self.by,
            library=library,
            staff=user.pk,
            **self._origin(source, number),
        )
        self._warnings(source.name, number, judged)

    def _imported_at(self, library) -> None:
        if library is not None:
            self._activate.update({library.pk, library.main_library.pk})

    @staticmethod
    def _origin(source, number) -> dict:
        """The IMPORTED event's detail: which file and row the account came from."""
        return {"file": source.name, "file_sha256": source.sha256, "row": number}

    # --- the report -------------------------------------------------------------------

    def _warnings(self, file, number, judged) -> None:
        for column, text in judged.warnings:
            self._warning(file, number, column, text)

    def _message(self, file, row, column, text, *, warning=False) -> None:
        self.summary.messages.append(Message(file, row, column, mask(str(text)), warning))

    def _error(self, file, row, column, text) -> None:
        self.summary.errors += 1
        self._message(file, row, column, text)

    def _warning(self, file, row, column, text) -> None:
        self.summary.warnings += 1
        self._message(file, row, column, text, warning=True)


def email_taken_message() -> str:
    return str(email_taken_error().messages[0])


def _batches(rows, size: int):
    """Lists of `size` items (the last may be shorter); itertools.batched from 3.12."""
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch
