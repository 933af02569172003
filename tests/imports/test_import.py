"""Bringing the old register in: every row through the registry's rules, the dry run
writing nothing, idempotence, history, the report."""

from datetime import date

from django.core.management import call_command

from accounts.models import Role, StaffUser
from audit.models import Action, AuditEvent
from borrowers.models import Borrower
from libraries.models import Library
from notifications.models import OutgoingMail
from tests.factories import (
    ADULT_PERSONNUMMER,
    ADULT_SAMORDNINGSNUMMER,
    PERSONNUMMER,
    BorrowerFactory,
    StaffFactory,
)

from .conftest import ADULT, ADULT_2, MINOR, borrower_row, messages, run, staff_row

ADULT_3 = ADULT_PERSONNUMMER[2]
GROWN_UP = next(n for n in PERSONNUMMER if "2004" <= n[:4] <= "2006")
SUMMARY_ZERO = "Importerade: 0 · Uppdaterade: 0 · Oförändrade: 1 · Fel: 0 · Varningar: 0"


def test_a_valid_row_becomes_an_account_with_its_history(library, borrowers_file):
    path = borrowers_file(borrower_row())

    summary = run(path)

    assert (summary.imported, summary.errors) == (1, 0)
    borrower = Borrower.objects.get(identifier=ADULT)
    assert borrower.library == library
    assert [s.name for s in borrower.services.all()] == ["Laddare"]
    assert borrower.created_at.date() == date(2019, 5, 2)
    assert borrower.agreement_accepted_at.date() == date(2019, 5, 2)
    assert borrower.agreement_accepted_by is None
    assert borrower.last_login == date(2026, 2, 1)
    assert not borrower.has_usable_password()
    created = AuditEvent.objects.get(action=Action.CREATED, borrower_code=borrower.code)
    assert created.at.date() == date(2019, 5, 2)
    imported = AuditEvent.objects.get(action=Action.IMPORTED, borrower_code=borrower.code)
    assert imported.detail["row"] == 2
    assert len(imported.detail["file_sha256"]) == 64
    # The library named by an imported account has an account with MTM now.
    library.refresh_from_db()
    assert library.active
    assert not OutgoingMail.objects.exists()


def test_the_dry_run_writes_nothing_and_reports_the_same(library, borrowers_file):
    path = borrowers_file(
        borrower_row(),
        borrower_row(**{"Person-/Samordningsnummer": "1", "E-post": "b@x.example"}),
    )

    dry = run(path, commit=False)

    assert (dry.imported, dry.errors) == (1, 1)
    assert not Borrower.objects.exists()
    assert not AuditEvent.objects.exists()
    library.refresh_from_db()
    assert not library.active
    real = run(path)
    assert messages(real) == messages(dry)
    assert Borrower.objects.count() == 1


def test_the_same_files_again_change_nothing(library, borrowers_file, staff_file):
    staff, borrowers = staff_file(staff_row()), borrowers_file(borrower_row())
    run(staff, borrowers)
    events = AuditEvent.objects.count()

    again = run(staff, borrowers)

    assert (again.imported, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == events


def test_a_changed_row_updates_the_account_and_audits_the_fields(library, borrowers_file):
    run(borrowers_file(borrower_row()))

    summary = run(borrowers_file(borrower_row(**{"Efternamn": "Berg", "Användargrupper": ""})))

    assert (summary.imported, summary.updated) == (0, 1)
    borrower = Borrower.objects.get(identifier=ADULT)
    assert borrower.last_name == "Berg"
    update = AuditEvent.objects.get(action=Action.UPDATED, borrower_code=borrower.code)
    assert update.fields == ["last_name", "services"]


def test_a_validity_in_the_past_is_imported_as_expired(library, borrowers_file):
    row = borrower_row(**{"Giltighetstid t.o.m.": "2024-01-31"})

    summary = run(borrowers_file(row))

    assert summary.errors == 0
    assert Borrower.objects.get().is_expired(date(2026, 3, 16))


def test_a_samordningsnummer_account_is_valid_at_most_a_year_ahead(library, borrowers_file):
    rows = [
        borrower_row(
            **{"Person-/Samordningsnummer": ADULT_SAMORDNINGSNUMMER[0], "E-post": "a@x.example"}
        ),
        borrower_row(
            **{
                "Person-/Samordningsnummer": ADULT_SAMORDNINGSNUMMER[1],
                "E-post": "b@x.example",
                "Giltighetstid t.o.m.": "2028-01-01",
            }
        ),
    ]

    summary = run(borrowers_file(*rows))

    assert summary.errors == 2
    columns = {column for _row, column, _text in messages(summary)}
    assert columns == {"Giltighetstid t.o.m."}
    assert any("högst ett år" in text for _r, _c, text in messages(summary))


def test_a_minor_now_adult_is_imported_as_adult_without_guardian(library, borrowers_file):
    # Registered in 2010 as a minor; 18 or older today.
    row = borrower_row(
        **{
            "Kontotyp": "under 18",
            "Person-/Samordningsnummer": GROWN_UP,
            "Registrerad": "2015-01-10",
            "Vårdnadshavarens födelsedatum": "1975-01-01",
        }
    )

    summary = run(borrowers_file(row))

    assert (summary.imported, summary.warnings) == (1, 1)
    borrower = Borrower.objects.get()
    assert not borrower.registered_as_minor
    assert borrower.guardian_birth_date is None


def test_a_kind_that_contradicts_the_number_is_an_error(library, borrowers_file):
    rows = [
        borrower_row(**{"Kontotyp": "vuxen", "Person-/Samordningsnummer": MINOR}),
        borrower_row(
            **{
                "Kontotyp": "under 18",
                "Person-/Samordningsnummer": ADULT_2,
                "Registrerad": "",
                "E-post": "b@x.example",
            }
        ),
        borrower_row(
            **{
                "Kontotyp": "vuxen med LMA-kort",
                "Person-/Samordningsnummer": ADULT_3,
                "E-post": "c@x.example",
            }
        ),
    ]

    summary = run(borrowers_file(*rows))

    assert summary.errors == 3 and summary.imported == 0
    texts = {}
    for row, _column, text in messages(summary):
        texts.setdefault(row, text)
    assert "Numret tillhör en person under 18" in texts[2]
    assert "18 år eller äldre" in texts[3]
    assert texts[4].startswith("Fyll bara i en av kolumnerna")


def test_a_minor_needs_an_adult_guardian(library, borrowers_file):
    rows = [
        borrower_row(**{"Kontotyp": "under 18", "Person-/Samordningsnummer": MINOR}),
        borrower_row(
            **{
                "Kontotyp": "under 18 med LMA-kort",
                "Person-/Samordningsnummer": "",
                "LMA-nummer": "12-345678",
                "LMA-kortets giltighetstid": "2026-12-31",
                "Vårdnadshavarens födelsedatum": "2015-01-01",
                "E-post": "b@x.example",
            }
        ),
    ]

    summary = run(borrowers_file(*rows))

    assert summary.errors == 2
    assert ("Vårdnadshavarens födelsedatum") in {c for _r, c, _t in messages(summary)}
    assert "Vårdnadshavarens namn" in {c for _r, c, _t in messages(summary)}


def test_the_same_number_or_e_mail_twice_in_the_files_is_an_error_on_both(library, borrowers_file):
    rows = [
        borrower_row(),
        borrower_row(**{"E-post": "other@post.example"}),
        borrower_row(**{"Person-/Samordningsnummer": ADULT_2, "E-post": "ANNA@post.example "}),
    ]

    summary = run(borrowers_file(*rows))

    assert (summary.imported, summary.errors) == (0, 3)
    assert not Borrower.objects.exists()


def test_conflicts_with_the_registry_say_which(library, other_library, borrowers_file):
    BorrowerFactory(identifier=ADULT, library=other_library, email="x@x.example")
    BorrowerFactory(identifier=ADULT_2, protected=True, email="hidden@x.example")
    StaffFactory(email="staff@bibliotek.example")
    rows = [
        borrower_row(**{"E-post": "a@post.example"}),
        borrower_row(**{"Person-/Samordningsnummer": ADULT_2, "E-post": "b@post.example"}),
        borrower_row(
            **{
                "Person-/Samordningsnummer": MINOR,
                "Kontotyp": "under 18",
                "Vårdnadshavarens födelsedatum": "1980-01-01",
                "Registrerad": "",
                "E-post": "STAFF@bibliotek.example",
            }
        ),
    ]

    summary = run(borrowers_file(*rows))

    texts = [text for _r, _c, text in messages(summary)]
    assert texts[0] == "Personen har redan ett konto hos ett annat bibliotek: Xby bibliotek."
    assert texts[1].startswith("Personen kan inte registreras här. Kontakta MTM")
    assert "redan den här e-postadressen" in texts[2]
    assert summary.imported == 0


def test_an_unknown_sigel_is_an_error(library, borrowers_file):
    summary = run(borrowers_file(borrower_row(Bibliotek="Nope")))

    assert messages(summary) == [(2, "Bibliotek", "Inget bibliotek har sigel Nope.")]


def test_a_protected_identity_keeps_nothing_but_identifier_email_validity_groups(
    library, borrowers_file
):
    row = borrower_row(**{"Skyddad identitet": "JA", "Bibliotek": ""})

    run(borrowers_file(row))

    borrower = Borrower.objects.get()
    assert borrower.protected_identity
    assert (borrower.first_name, borrower.library) == ("", None)


def test_staff_accounts_are_imported_at_their_library(library, staff_file):
    rows = [
        staff_row(),
        staff_row(**{"E-post": "hanna@bibliotek.example", "Roll": "Huvudadministratör"}),
        staff_row(**{"E-post": "x@bibliotek.example", "Roll": "chef"}),
    ]

    summary = run(staff_file(*rows))

    assert (summary.imported, summary.errors) == (2, 1)
    head = StaffUser.objects.get(email="hanna@bibliotek.example")
    assert (head.role, head.library) == (Role.HEAD_ADMIN, library)
    assert not head.has_usable_password()
    assert Library.objects.get(pk=library.pk).active


def test_the_command_prints_the_summary_and_writes_a_masked_report(
    library, borrowers_file, tmp_path, capsys
):
    path = borrowers_file(
        borrower_row(),
        borrower_row(**{"Person-/Samordningsnummer": ADULT[:-1] + "0", "E-post": "b@x.example"}),
    )
    report = tmp_path / "rapport.csv"

    call_command("import_register", str(path), "--report", str(report))

    out = capsys.readouterr().out
    assert "Importerade: 1 · Uppdaterade: 0 · Oförändrade: 0 · Fel: 1 · Varningar: 0" in out
    assert not Borrower.objects.exists()
    content = report.read_bytes().decode("utf-8")
    assert content.startswith("\ufeffFil;Rad;Kolumn;Meddelande\r\n")
    assert ADULT[8:] not in content
    assert "lantagare.csv;3;Person-/Samordningsnummer;" in content


def test_a_second_commit_run_reports_nothing_new(library, borrowers_file, capsys):
    path = borrowers_file(borrower_row())
    call_command("import_register", str(path), "--commit")
    capsys.readouterr()

    call_command("import_register", str(path), "--commit")

    assert SUMMARY_ZERO in capsys.readouterr().out


def test_columns_in_any_order_and_any_case(library, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(
        " e-post ;BIBLIOTEK;kontotyp;Förnamn;Efternamn;LMA-nummer;Person-/samordningsnummer\n"
        f"anna@post.example;abc; Vuxen ;Anna;Andersson;;{ADULT}\n",
        encoding="utf-8",
    )

    summary = run(path)

    assert (summary.imported, summary.errors) == (1, 0)


def test_xlsx_files_are_read_too(library, staff_file, tmp_path):
    from openpyxl import Workbook

    from imports.reading import BORROWER_COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(BORROWER_COLUMNS))
    row = borrower_row(Registrerad=date(2019, 5, 2))
    sheet.append([row.get(column) for column in BORROWER_COLUMNS])
    path = tmp_path / "lantagare.xlsx"
    workbook.save(path)

    summary = run(path)

    assert (summary.imported, summary.errors) == (1, 0)
    assert Borrower.objects.get().created_at.date() == date(2019, 5, 2)


def test_a_file_without_the_columns_is_refused(library, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Namn;Adress\nA;B\n", encoding="utf-8")

    summary = run(path)

    assert summary.errors == 1 and "Kontotyp" in summary.messages[0].text


def test_nothing_of_a_rows_number_reaches_a_log(library, borrowers_file, caplog):
    rows = [
        borrower_row(),
        borrower_row(**{"Person-/Samordningsnummer": ADULT[:-1] + "0", "E-post": "b@x.example"}),
    ]
    caplog.set_level("DEBUG")

    call_command("import_register", str(borrowers_file(*rows)), "--commit")

    assert Borrower.objects.count() == 1
    assert not [r for r in caplog.records if ADULT[6:] in r.getMessage()]
    assert not [r for r in caplog.records if ADULT[:-1] in r.getMessage()]


def test_the_optional_language_column_sets_the_borrowers_language(library, borrowers_file):
    english = borrower_row(**{"Språk": " EN "})
    swedish = borrower_row(
        **{"Person-/Samordningsnummer": ADULT_2, "E-post": "bo@post.example", "Språk": ""}
    )
    assert run(borrowers_file(english, swedish)).imported == 2
    assert Borrower.objects.get(identifier=ADULT).language == "en"
    assert Borrower.objects.get(identifier=ADULT_2).language == "sv"

    # A later file may change it; a language the registry does not offer is an error.
    summary = run(borrowers_file(borrower_row(**{"Språk": "sv"})))
    assert summary.updated == 1 and Borrower.objects.get(identifier=ADULT).language == "sv"
    summary = run(borrowers_file(borrower_row(**{"Språk": "fr"})))
    assert summary.errors == 1
    assert Borrower.objects.get(identifier=ADULT).language == "sv"
