"""One row of the old register, judged by the registry's rules.

Every rule is the one home the create forms and MTM's admin call (borrowers/
identity.py, borrowers/rules.py, accounts' check_workplace, the model's field
validators); this module only reads the columns and says which column a
message belongs to. The differences from a form are history's own (docs/import.md):

- a validity date in the past is allowed: the account is imported as expired;
- a person registered as a minor who is 18 or older today is imported as an
  adult, and the guardian data is dropped (a warning);
- the agreement was accepted on the registration day, in the old system.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import check_workplace
from accounts.models import Role, StaffUser
from borrowers.forms.fields import SwedishDateField
from borrowers.identity import (
    ADULT_AGE,
    MESSAGES,
    Identity,
    IdentityError,
    parse_lma_number,
    parse_personal_number,
    years_ago,
)
from borrowers.models import Borrower, Service
from borrowers.rules import (
    CONTACT_MTM,
    check_borrower_email,
    check_guardian_birth_date,
    check_valid_until,
)
from core.validators import validate_name
from libraries.models import Library

from . import passwords

#: Kontotyp -> (LMA card, registered under 18).
ACCOUNT_KINDS = {
    "vuxen": (False, False),
    "under 18": (False, True),
    "vuxen med lma-kort": (True, False),
    "under 18 med lma-kort": (True, True),
}
ROLES = {
    "huvudadministratör": Role.HEAD_ADMIN,
    "huvudadministrator": Role.HEAD_ADMIN,
    "registrerare": Role.REGISTRAR,
    "förmedlare": Role.MEDIATOR,
    "formedlare": Role.MEDIATOR,
}
YES_NO = {"ja": True, "nej": False, "": False}

PERSONAL = "Person-/Samordningsnummer"
LMA = "LMA-nummer"

# The forms' own words, where a form says the same thing.
EMAIL_INVALID = _("Enter an e-mail address like name@example.se.")
STAFF_EMAIL_TAKEN = _("Another account already uses this e-mail address.")
ADULT_KIND = _(
    "The number belongs to a person who is 18 or older. Register them with the form "
    "Create adult borrower."
)
MINOR_KIND = _(
    "The number belongs to a person under 18. Register them with the form Create borrower under 18."
)
REGISTERED_ELSEWHERE = _("The person already has an account at another library: %(library)s.")
NUMBER_TWICE = _(
    "The same number is on more than one row of the files. One person has one account: "
    "keep one of the rows."
)
EMAIL_TWICE = _(
    "The same e-mail address is on more than one row of the files. Each account needs its "
    "own address: keep one of the rows or change the address."
)


class RowProblems(Exception):
    """The row is not imported; `problems` holds (column, message) pairs."""

    def __init__(self, problems):
        super().__init__("row refused")
        self.problems = problems


def read_language(problems: "Problems", row: dict) -> str | None:
    """The optional *Språk* column: a language code of settings.LANGUAGES (sv, en), any
    letter case; empty: not given (a new account gets Swedish, an imported one keeps its)."""
    text = row.get("Språk", "").strip().casefold()
    if not text:
        return None
    codes = [code for code, _name in settings.LANGUAGES]
    if text not in codes:
        problems.add(
            "Språk", gettext("Write one of the languages %(codes)s.") % {"codes": ", ".join(codes)}
        )
        return None
    return text


@dataclass
class Judged:
    """A row the rules accept: what to write, and the warnings to report."""

    values: dict
    warnings: list = field(default_factory=list)
    existing: object = None


class Problems:
    def __init__(self):
        self.errors: list[tuple[str, str]] = []
        self.warnings: list[tuple[str, str]] = []

    def add(self, column: str, error) -> None:
        if isinstance(error, ValidationError):
            for message in error.messages:
                self.errors.append((column, str(message)))
        else:
            self.errors.append((column, str(error)))

    def check(self, column: str, rule, *args, **kwargs):
        """Call one rule; a ValidationError becomes this column's error (None returned)."""
        try:
            return rule(*args, **kwargs)
        except ValidationError as error:
            self.add(column, error)
            return None

    def raise_if_any(self):
        if self.errors:
            raise RowProblems(self.errors)


class Memo:
    """A run's answers of pure rules by their input: a file repeats its dates and
    names thousands of times, and each is judged once. For one run only: the date
    rules read the run's day."""

    LIMIT = 100_000

    def __init__(self):
        self._answers: dict = {}

    def __call__(self, rule, text: str):
        key = (rule, text)
        answer = self._answers.get(key)
        if answer is None:
            if len(self._answers) >= self.LIMIT:
                self._answers.clear()
            try:
                answer = (rule(text), None)
            except ValidationError as error:
                answer = (None, error.error_list)
            self._answers[key] = answer
        if answer[1] is not None:
            raise ValidationError(answer[1])
        return answer[0]


_DATE = SwedishDateField(required=False)


def read_date(problems: Problems, row: dict, column: str, memo: Memo) -> date | None:
    text = row.get(column, "")
    return problems.check(column, memo, _DATE.clean, text) if text else None


def read_email(problems: Problems, text: str, column: str = "E-post") -> str | None:
    email = text.strip()
    if not email:
        problems.add(column, gettext("Enter the borrower's e-mail address."))
        return None
    if len(email) > 254:
        problems.add(column, gettext("The e-mail address can be at most 254 characters long."))
        return None
    try:
        validate_email(email)
    except ValidationError:
        problems.add(column, gettext(EMAIL_INVALID))
        return None
    return email


def read_name(
    problems: Problems, row: dict, column: str, *, required, max_length, messages, memo: Memo
):
    name = row.get(column, "")
    if not name:
        if required:
            problems.add(column, gettext(messages["required"]))
        return ""
    if len(name) > max_length:
        problems.add(column, gettext(messages["max_length"]))
        return ""
    problems.check(column, memo, validate_name, name)
    return name


def read_password(problems: Problems, row: dict, hashes: passwords.Prewrapped | None) -> str:
    """The old hash as stored (imports/passwords.py); "" for none. `hashes`: the
    run's hashes wrapped ahead."""
    stored_hash = passwords.stored_hash if hashes is None else hashes.stored_hash
    try:
        return stored_hash(row.get("Lösenordshash", ""))
    except ValueError:
        problems.add(
            "Lösenordshash",
            gettext(
                "The password hash is neither bcrypt ($2a$, $2b$, $2y$) nor salted SHA-1 ({SSHA})."
            ),
        )
        return ""


@contextmanager
def _exact_indexes_only():
    """PostgreSQL: no bitmap scans for the batch look-ups, which rules out the
    e-mail trigram index (GIN has only bitmap scans) for an exact look-up. The
    planner chose it while the run's own rows grew the table past what its
    statistics said: seconds a batch, against milliseconds by the unique index
    (docs/performance.md). SET LOCAL, reset afterwards: the run's transaction
    plans everything else as usual."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        try:
            yield
        finally:
            cursor.execute("RESET enable_bitmapscan")


class Known:
    """What the registry holds for a batch of borrower rows, looked up at once (three
    queries instead of three a row): borrowers by identifier, and the borrowers and
    staff accounts using the rows' e-mail addresses."""

    def __init__(self, identifiers, emails):
        # order_by(): no sorting of what becomes a dict.
        found = Borrower.objects.filter(identifier__in=identifiers).select_related("library")
        with _exact_indexes_only():
            self.borrowers = {borrower.identifier: borrower for borrower in found.order_by()}
            holders = Borrower.objects.with_emails(emails).only("email", "protected_identity")
            self.email_holders = {b.email.lower(): b for b in holders.order_by()}
        staff = StaffUser.objects.with_emails(emails).order_by().values_list("email", flat=True)
        self.staff_emails = {email.upper() for email in staff}

    def staff_email_taken(self, email: str) -> bool:
        return email.strip().upper() in self.staff_emails


# --- borrowers -------------------------------------------------------------------------


def identifier_key(row: dict, *, today) -> str:
    """The identifier as stored, when the row's number reads as one; "" otherwise."""
    try:
        if row.get(PERSONAL):
            return parse_personal_number(row[PERSONAL], today=today).value
        if row.get(LMA):
            return parse_lma_number(row[LMA]).value
    except IdentityError:
        pass
    return ""


class BorrowerRules:
    """Judges borrower rows against the rules and the registry. `services` and
    `libraries` are looked up once per run."""

    def __init__(self, *, today: date, hashes: passwords.Prewrapped | None = None):
        self.today = today
        self.hashes = hashes
        self.memo = Memo()
        self.services = {s.name.casefold(): s for s in Service.objects.filter(published=True)}
        self._libraries: dict[str, Library | None] = {}

    def library(self, sigel: str) -> Library | None:
        key = sigel.strip().upper()
        if key not in self._libraries:
            self._libraries[key] = Library.objects.with_sigel(sigel).first()
        return self._libraries[key]

    def _know_libraries(self, sigels: set[str]) -> None:
        """Look up the libraries of a batch not met before, in one query."""
        wanted = {sigel.strip().upper() for sigel in sigels} - set(self._libraries) - {""}
        if not wanted:
            return
        found = Library.objects.with_sigels(wanted)
        self._libraries.update({library.sigel.upper(): library for library in found})
        self._libraries.update({key: None for key in wanted - set(self._libraries)})

    def identity(self, problems: Problems, row: dict) -> tuple[Identity | None, bool, bool]:
        """The identifier as the kind says: (identity, lma, registered as minor)."""
        kind_text = " ".join(row.get("Kontotyp", "").split()).casefold()
        if kind_text not in ACCOUNT_KINDS:
            problems.add(
                "Kontotyp",
                gettext(
                    "Write the kind of account as vuxen, under 18, vuxen med LMA-kort or "
                    "under 18 med LMA-kort."
                ),
            )
            return None, False, False
        lma, minor = ACCOUNT_KINDS[kind_text]
        number, other = (LMA, PERSONAL) if lma else (PERSONAL, LMA)
        if row.get(other):
            problems.add(
                other,
                gettext(
                    "Fill in only one of the columns Person-/Samordningsnummer and LMA-nummer, "
                    "the one the kind of account says."
                ),
            )
        text = row.get(number, "")
        try:
            if lma:
                identity = parse_lma_number(text)
            else:
                identity = parse_personal_number(text, today=self.today)
        except IdentityError as error:
            problems.add(number, gettext(MESSAGES[error.code]))
            return None, lma, minor
        return identity, lma, minor

    def look_up(self, rows: list[dict], identifiers: set[str]) -> Known:
        """The registry's side of a batch of rows (`identifiers`: their identifier_key),
        for judge()."""
        self._know_libraries({row.get("Bibliotek", "") for row in rows})
        emails = {row["E-post"].strip() for row in rows if row.get("E-post", "").strip()}
        return Known(identifiers - {""}, emails)

    def judge(self, row: dict, known: Known) -> Judged:
        """The row's account as register() takes it, or RowProblems. `known`: look_up()
        of the row's batch."""
        problems = Problems()
        today = self.today
        identity, lma, minor = self.identity(problems, row)
        protected = YES_NO.get(row.get("Skyddad identitet", "").casefold())
        if protected is None:
            problems.add("Skyddad identitet", gettext("Write ja or nej."))
            protected = False

        registered = read_date(problems, row, "Registrerad", self.memo)
        if registered is not None and registered > today:
            problems.add("Registrerad", gettext("The registration day cannot be later than today."))
            registered = None
        # The account's registration day; noon, as no time was kept. Today: now.
        at = None
        if registered is not None and registered < today:
            at = timezone.make_aware(datetime.combine(registered, time(12)))
        registered = registered or today
        last_login = read_date(problems, row, "Senast inloggad", self.memo)

        if identity is not None and not lma:
            adult_now = identity.is_adult_on(today)
            adult_then = identity.birth_date <= years_ago(registered, ADULT_AGE)
            if minor and adult_then:
                problems.add(PERSONAL, gettext(ADULT_KIND))
            elif not minor and not adult_now:
                problems.add(PERSONAL, gettext(MINOR_KIND))
            elif minor and adult_now:
                # What the 18th birthday would have done (borrowers/coming_of_age.py).
                problems.warnings.append(
                    (
                        "Kontotyp",
                        gettext(
                            "Registered under 18 and now 18 or older: imported as an adult, "
                            "without the guardian's details."
                        ),
                    )
                )
                minor = False

        # Validity: per kind, except that a date in the past is history (imported expired).
        column = "Giltighetstid t.o.m."
        valid_until = read_date(problems, row, column, self.memo)
        if lma:
            card = read_date(problems, row, "LMA-kortets giltighetstid", self.memo)
            if card is not None:
                column, valid_until = "LMA-kortets giltighetstid", card
        if identity is not None and column not in dict(problems.errors):
            past = valid_until if valid_until is not None and valid_until < today else None
            problems.check(
                column, check_valid_until, identity.kind, valid_until, today=today, saved=past
            )

        first_name = read_name(
            problems,
            row,
            "Förnamn",
            required=not protected,
            max_length=100,
            memo=self.memo,
            messages={
                "required": _("Enter the borrower's first name."),
                "max_length": _("The first name can be at most 100 characters long."),
            },
        )
        last_name = read_name(
            problems,
            row,
            "Efternamn",
            required=not protected,
            max_length=100,
            memo=self.memo,
            messages={
                "required": _("Enter the borrower's last name."),
                "max_length": _("The last name can be at most 100 characters long."),
            },
        )

        guardian_birth_date, guardian_name = None, ""
        if minor and not protected:
            guardian_birth_date = read_date(
                problems, row, "Vårdnadshavarens födelsedatum", self.memo
            )
            if guardian_birth_date is None:
                if "Vårdnadshavarens födelsedatum" not in dict(problems.errors):
                    problems.add(
                        "Vårdnadshavarens födelsedatum",
                        gettext("Enter the guardian's date of birth."),
                    )
            else:
                problems.check(
                    "Vårdnadshavarens födelsedatum",
                    check_guardian_birth_date,
                    guardian_birth_date,
                    today=today,
                )
            guardian_name = read_name(
                problems,
                row,
                "Vårdnadshavarens namn",
                required=lma,
                max_length=200,
                memo=self.memo,
                messages={
                    "required": _("Enter the guardian's name."),
                    "max_length": _("The guardian's name can be at most 200 characters long."),
                },
            )

        library = None
        sigel = row.get("Bibliotek", "")
        if not protected:
            if not sigel:
                problems.add("Bibliotek", gettext("Choose the library the borrower belongs to."))
            else:
                library = self.library(sigel)
                if library is None:
                    problems.add(
                        "Bibliotek",
                        gettext("No library has the sigel %(sigel)s.") % {"sigel": sigel},
                    )

        services = []
        for name in filter(None, (n.strip() for n in row.get("Användargrupper", "").split(","))):
            service = self.services.get(name.casefold())
            if service is None:
                problems.add(
                    "Användargrupper",
                    gettext("%(name)s is not one of the published user groups.") % {"name": name},
                )
            else:
                services.append(service)

        email = read_email(problems, row.get("E-post", ""))
        password = read_password(problems, row, self.hashes)

        # The registry: keyed by the identifier, the account is this row's earlier import.
        existing = None
        if identity is not None:
            existing = known.borrowers.get(identity.value)
            if existing is not None:
                if existing.protected_identity:
                    if not protected:
                        # SECURITY: nothing about a protected account beyond "contact MTM".
                        problems.add(LMA if lma else PERSONAL, str(CONTACT_MTM))
                        existing = None
                elif protected or existing.library_id != getattr(library, "pk", None):
                    problems.add(
                        LMA if lma else PERSONAL,
                        gettext(REGISTERED_ELSEWHERE) % {"library": existing.library.name},
                    )
                    existing = None
        if email is not None:
            exclude = existing.pk if existing is not None else None
            email = problems.check(
                "E-post",
                check_borrower_email,
                email,
                staff=None,
                exclude_pk=exclude,
                holders=known.email_holders,
            )
            if email is not None and known.staff_email_taken(email):
                problems.add("E-post", gettext(STAFF_EMAIL_TAKEN))

        language = read_language(problems, row)
        problems.raise_if_any()
        return Judged(
            values={
                "identity": identity,
                "email": email,
                "valid_until": valid_until,
                "services": services,
                "library": library,
                "first_name": first_name,
                "last_name": last_name,
                "guardian_birth_date": guardian_birth_date,
                "guardian_name": guardian_name,
                "minor": minor,
                "protected": protected,
                "at": at,
                "last_login": last_login,
                "password": password,
                "language": language,
            },
            warnings=problems.warnings,
            existing=existing,
        )


# --- staff -----------------------------------------------------------------------------


class StaffRules:
    def __init__(self, borrower_rules: BorrowerRules):
        self.libraries = borrower_rules

    def judge(self, row: dict) -> Judged:
        problems = Problems()
        email = read_email(problems, row.get("E-post", ""))
        if email is not None:
            email = StaffUser.objects.normalize_email(email).strip()
        names = {}
        for column, key in (("Förnamn", "first_name"), ("Efternamn", "last_name")):
            names[key] = read_name(
                problems,
                row,
                column,
                required=False,
                max_length=150,
                memo=self.libraries.memo,
                messages={
                    "required": "",
                    "max_length": _("The name can be at most 150 characters long."),
                },
            )
        role = ROLES.get(" ".join(row.get("Roll", "").split()).casefold())
        if role is None:
            problems.add(
                "Roll", gettext("Write the role as huvudadministratör, registrerare or förmedlare.")
            )
        library = None
        sigel = row.get("Bibliotek", "")
        if not sigel:
            problems.add("Bibliotek", gettext("Choose the library the person works at."))
        else:
            library = self.libraries.library(sigel)
            if library is None:
                problems.add(
                    "Bibliotek", gettext("No library has the sigel %(sigel)s.") % {"sigel": sigel}
                )
        if library is not None and role is not None:
            workplace = check_workplace({"library": library, "role": role}, is_staff=False)
            for column, message in (
                ("Bibliotek", workplace.get("library")),
                ("Roll", workplace.get("role")),
            ):
                if message:
                    problems.add(column, message)
        existing = None
        if email is not None:
            existing = StaffUser.objects.with_email(email).first()
            if existing is not None and (existing.library_id != getattr(library, "pk", None)):
                where = existing.library.name if existing.library_id else "MTM"
                problems.add(
                    "E-post",
                    gettext(
                        "A staff account with this e-mail address already exists at another "
                        "library: %(library)s."
                    )
                    % {"library": where},
                )
                existing = None
            if Borrower.objects.with_email(email).exists():
                problems.add("E-post", gettext(STAFF_EMAIL_TAKEN))
        password = read_password(problems, row, self.libraries.hashes)
        problems.raise_if_any()
        return Judged(
            values={
                "email": email,
                "role": role,
                "library": library,
                "password": password,
                **names,
            },
            existing=existing,
        )
