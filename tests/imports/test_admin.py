"""*Importera låntagare* in the admin: upload for one library, the dry run's summary
and report, confirm; the runs happen in the worker with the command's code."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from borrowers.models import Borrower
from imports.models import ImportRun
from tests.admin.conftest import mtm_client, mtm_user  # noqa: F401 (fixtures)
from tests.factories import ADULT_PERSONNUMMER

from .conftest import ADULT, borrower_row, write_csv

ADD = reverse("admin:imports_importrun_add")


def upload(client, library, path):
    with path.open("rb") as handle:
        data = {"library": library.pk, "upload": SimpleUploadedFile(path.name, handle.read())}
    return client.post(ADD, data)


def test_mtm_uploads_sees_the_dry_run_and_confirms(mtm_client, library, other_library, tmp_path):  # noqa: F811
    rows = [
        borrower_row(),
        borrower_row(**{"Person-/Samordningsnummer": ADULT[:-1] + "0", "E-post": "b@post.example"}),
        borrower_row(
            **{"Person-/Samordningsnummer": ADULT_PERSONNUMMER[3], "E-post": "c@post.example"},
            Bibliotek="Xyz",
        ),
    ]
    path = write_csv(tmp_path / "lantagare.csv", rows)

    response = upload(mtm_client, library, path)

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert run.status == ImportRun.Status.CHECKED
    assert not Borrower.objects.exists()  # the dry run wrote nothing
    page = mtm_client.get(reverse("admin:imports_importrun_change", args=[run.pk]))
    html = page.content.decode()
    assert "Importerade: 1 · Uppdaterade: 0 · Oförändrade: 0 · Fel: 2 · Varningar: 0" in html
    assert "Raden anger ett annat bibliotek" in html  # the upload is for one library
    assert ADULT[8:] not in html
    assert "Bekräfta och importera" in html

    mtm_client.post(reverse("admin:imports_importrun_confirm", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert list(Borrower.objects.values_list("identifier", flat=True)) == [ADULT]
    report = mtm_client.get(reverse("admin:imports_importrun_report", args=[run.pk]))
    assert report.content.decode("utf-8").startswith("\ufeffFil;Rad;Kolumn;Meddelande")


def test_a_run_is_confirmed_once(mtm_client, library, tmp_path):  # noqa: F811
    upload(mtm_client, library, write_csv(tmp_path / "l.csv", [borrower_row()]))
    run = ImportRun.objects.get()
    confirm = reverse("admin:imports_importrun_confirm", args=[run.pk])

    mtm_client.post(confirm)
    mtm_client.post(confirm)

    assert Borrower.objects.count() == 1
    run.refresh_from_db()
    assert run.summary["imported"] == 1


def test_a_registrar_cannot_upload(client, library, tmp_path):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(library=library))

    response = client.get(ADD)

    assert response.status_code == 302  # to the admin login: not staff
