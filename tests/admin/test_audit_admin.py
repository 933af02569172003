"""The audit log in the admin: read-only for everyone; filterable."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.log import record
from audit.models import Action, AuditEvent

CHANGELIST = reverse("admin:audit_auditevent_changelist")


@pytest.fixture
def events(registrar, registrar_b, borrower_a, borrower_b, library_a):
    return {
        "viewed_a": record(Action.VIEWED, actor=registrar, borrower=borrower_a),
        "updated_a": record(
            Action.UPDATED, actor=registrar, borrower=borrower_a, fields=["email", "last_name"]
        ),
        "viewed_b": record(Action.VIEWED, actor=registrar_b, borrower=borrower_b),
    }


def listed(response):
    return {e.pk for e in response.context["cl"].result_list}


def ids(*events):
    return {e.pk for e in events}


def test_the_log_lists_time_action_actor_library_code_and_fields(mtm_client, events):
    response = mtm_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "email, last_name" in html
    assert str(events["viewed_a"].borrower_code) in html


def test_filter_by_action_library_actor_and_borrower(
    mtm_client, events, registrar, library_b, borrower_a
):
    by_action = mtm_client.get(CHANGELIST, {"action__exact": Action.UPDATED})
    assert listed(by_action) == ids(events["updated_a"])
    assert listed(mtm_client.get(CHANGELIST, {"library": library_b.pk})) == ids(events["viewed_b"])
    assert listed(mtm_client.get(CHANGELIST, {"actor": registrar.pk})) == ids(
        events["viewed_a"], events["updated_a"]
    )
    assert listed(mtm_client.get(CHANGELIST, {"borrower_code": borrower_a.code})) == ids(
        events["viewed_a"], events["updated_a"]
    )
    assert listed(mtm_client.get(CHANGELIST, {"q": str(borrower_a.code)})) == ids(
        events["viewed_a"], events["updated_a"]
    )


def test_filter_by_date(mtm_client, events):
    today = timezone.localdate()
    response = mtm_client.get(
        CHANGELIST, {"at__year": today.year, "at__month": today.month, "at__day": today.day}
    )
    assert listed(response) == ids(*events.values())
    yesterday = today - timedelta(days=1)
    response = mtm_client.get(
        CHANGELIST,
        {"at__year": yesterday.year, "at__month": yesterday.month, "at__day": yesterday.day},
    )
    assert listed(response) == set()


@pytest.mark.parametrize("who", ["mtm_client", "superuser_client"])
def test_nobody_adds_changes_or_deletes_audit_events(request, who, events):
    client = request.getfixturevalue(who)
    event = events["viewed_a"]
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    assert (
        client.post(
            reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    change = client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "deleted"}
    )
    assert change.status_code == 403
    response = client.get(CHANGELIST)
    assert response.context["cl"].model_admin.get_actions(response.wsgi_request) == {}
    assert AuditEvent.objects.filter(pk=event.pk, action=Action.VIEWED).exists()


def test_an_event_can_be_read(mtm_client, events):
    url = reverse("admin:audit_auditevent_change", args=[events["updated_a"].pk])
    response = mtm_client.get(url)
    assert response.status_code == 200
