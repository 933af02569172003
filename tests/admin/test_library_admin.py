"""Libraries in the admin link to their borrowers and staff, already filtered."""

from django.urls import reverse


def test_a_library_links_to_its_borrowers_and_staff(
    mtm_client, library_a, branch_a, borrower_a, borrower_b, registrar, registrar_b
):
    html = mtm_client.get(
        reverse("admin:libraries_library_change", args=[library_a.pk])
    ).content.decode()
    borrowers = f"{reverse('admin:borrowers_borrower_changelist')}?library={library_a.pk}"
    staff = f"{reverse('admin:accounts_staffuser_changelist')}?library={library_a.pk}"
    assert borrowers in html and staff in html
    assert list(mtm_client.get(borrowers).context["cl"].result_list) == [borrower_a]
    assert list(mtm_client.get(staff).context["cl"].result_list) == [registrar]


def test_a_branch_links_to_the_staff_of_its_main_library(mtm_client, branch_a, library_a):
    response = mtm_client.get(reverse("admin:libraries_library_changelist"))
    html = response.content.decode()
    assert f"{reverse('admin:accounts_staffuser_changelist')}?library={library_a.pk}" in html
    assert f"{reverse('admin:borrowers_borrower_changelist')}?library={branch_a.pk}" in html
