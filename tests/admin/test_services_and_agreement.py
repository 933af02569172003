"""User groups (publish/unpublish) and the agreement text (each change a new version)."""

from datetime import UTC, datetime

import time_machine
from django.urls import reverse

from borrowers.models import AgreementText, Service


def test_mtm_unpublishes_and_publishes_user_groups(mtm_client):
    group = Service.objects.create(name="Provgrupp", published=True)
    changelist = reverse("admin:borrowers_service_changelist")
    for action, published in [("unpublish", False), ("publish", True)]:
        response = mtm_client.post(
            changelist, {"action": action, "_selected_action": [group.pk], "index": 0}
        )
        assert response.status_code == 302
        group.refresh_from_db()
        assert group.published is published


def test_mtm_adds_a_user_group_but_never_deletes_one(mtm_client, superuser_client):
    response = mtm_client.post(
        reverse("admin:borrowers_service_add"), {"name": "Ny grupp", "position": 9}
    )
    assert response.status_code == 302
    group = Service.objects.get(name="Ny grupp")
    url = reverse("admin:borrowers_service_delete", args=[group.pk])
    assert superuser_client.get(url).status_code == 403


def test_a_new_agreement_text_is_a_new_version_in_force(mtm_client):
    old = AgreementText.objects.create(text="Gamla reglerna.")
    add = reverse("admin:borrowers_agreementtext_add")
    assert mtm_client.get(add).context["adminform"].form.initial["text"] == "Gamla reglerna."
    response = mtm_client.post(
        add, {"language": "sv", "audience": "adult", "text": "Nya reglerna."}
    )
    assert response.status_code == 302
    assert AgreementText.current().text == "Nya reglerna."
    old.refresh_from_db()
    assert old.text == "Gamla reglerna."  # what earlier borrowers agreed to stays
    change = reverse("admin:borrowers_agreementtext_change", args=[old.pk])
    assert mtm_client.post(change, {"text": "Ändrad"}).status_code == 403


@time_machine.travel(datetime(2026, 3, 27, 12, tzinfo=UTC), tick=False)
def test_the_versions_are_listed_by_date(mtm_client):
    AgreementText.objects.create(text="Reglerna.")
    page = mtm_client.get(reverse("admin:borrowers_agreementtext_changelist")).content.decode()
    assert "Avtalstext (Svenska, Vuxen låntagare) från 2026-03-27" in page
