"""A delivered unit that does not come back: the coordinator marks it lost or destroyed, with a
date and a reason from a short list, never where or how."""

from datetime import timedelta

import pytest

from tests.helpers import (
    login,
    make_delivered_unit,
    make_unit,
    make_user,
    post,
    reload,
    workshop_today,
)
from tests.integration.support import (
    audit_events,
    database_state,
    english,
    loss_form,
    return_form,
    text,
)
from workshop.workflow import Role, Stage


@pytest.mark.parametrize(
    ("loss", "reason", "status", "words"),
    [
        ("lost", "not_recovered", "lost", "Did not come back"),
        ("destroyed", "expended", "destroyed", "Used as intended"),
        ("destroyed", "beyond_repair", "destroyed", "Damaged beyond repair"),
    ],
)
def test_a_delivered_unit_is_marked_lost_or_destroyed_with_a_date_and_a_reason(
    app, client, coordinator, loss, reason, status, words
):
    unit = make_delivered_unit(days_ago=5)
    page = text(client.get(f"/u/{unit.serial}"))
    assert "Lost or destroyed in the field" in page and "never where or how" in page
    on = workshop_today() - timedelta(days=2)
    response = post(
        client, f"/u/{unit.serial}/field/{loss}", loss_form(loss, unit.version, reason, on)
    )
    assert response.status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.status) == ("delivered", status)
    mark = unit.losses[-1]
    assert (mark.kind, mark.reason, mark.happened_on, mark.recorded_by_id) == (
        status,
        reason,
        on,
        coordinator.id,
    )
    assert mark.delivery_id == unit.deliveries[-1].id
    event = audit_events(unit.serial, f"unit.mark_{status}")[-1]
    assert (event.before["status"], event.after["status"]) == ("active", status)
    assert (event.after["loss"], event.after["date"]) == (reason, on.isoformat())
    page = text(client.get(f"/u/{unit.serial}"))
    assert words in page and "Lost or destroyed in the field" not in page
    assert "Record a return" in page  # a unit marked lost may still turn up
    assert client.get(f"/api/units/{unit.serial}").get_json()["field_status"] == status


@pytest.mark.parametrize(
    ("loss", "change", "status", "message"),
    [
        ("lost", {"lost-reason": "expended"}, 400, "Not a valid choice"),
        ("destroyed", {"destroyed-reason": "not_recovered"}, 400, "Not a valid choice"),
        ("lost", {"lost-reason": "shot down over the river"}, 400, "Not a valid choice"),
        (
            "lost",
            {"lost-happened_on": (workshop_today() + timedelta(days=1)).isoformat()},
            400,
            "The date cannot be in the future.",
        ),
        (
            "lost",
            {"lost-happened_on": (workshop_today() - timedelta(days=40)).isoformat()},
            400,
            "choose that day or a later one",
        ),
        ("lost", {"lost-happened_on": ""}, 400, "Some fields need attention"),
    ],
)
def test_a_bad_loss_says_why_and_changes_nothing(
    app, client, coordinator, loss, change, status, message
):
    unit = make_delivered_unit(days_ago=5)
    before = database_state()
    form = loss_form(loss, unit.version, "unknown") | change
    response = post(client, f"/u/{unit.serial}/field/{loss}", form)
    assert response.status_code == status
    assert message in text(response)
    assert database_state() == before


def test_only_a_delivered_unit_can_be_lost_and_only_once(app, client, coordinator):
    approved = make_unit(at=Stage.REVIEW)
    before = database_state()
    response = post(
        client, f"/u/{approved.serial}/field/lost", loss_form("lost", approved.version, "unknown")
    )
    assert (
        response.status_code == 403
        and "This cannot be done while the unit is at Review." in text(response)
    )
    assert database_state() == before

    unit = make_delivered_unit()
    assert (
        post(
            client, f"/u/{unit.serial}/field/lost", loss_form("lost", unit.version, "unknown")
        ).status_code
        == 302
    )
    unit = reload(unit)
    before = database_state()
    again = post(
        client,
        f"/u/{unit.serial}/field/destroyed",
        loss_form("destroyed", unit.version, "expended"),
    )
    assert again.status_code == 403
    assert "This unit is marked “Lost” in the field; only its return can be recorded." in text(
        again
    )
    assert database_state() == before


def test_a_unit_marked_lost_that_turns_up_is_recorded_as_returned(app, client, coordinator):
    unit = make_delivered_unit()
    assert (
        post(
            client, f"/u/{unit.serial}/field/lost", loss_form("lost", unit.version, "not_recovered")
        ).status_code
        == 302
    )
    unit = reload(unit)
    response = post(client, f"/u/{unit.serial}/return", return_form(unit.version, "crash"))
    assert response.status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.status) == ("returned", "active")
    assert client.get(f"/api/units/{unit.serial}").get_json()["field_status"] == "returned"


def test_before_the_handover_a_unit_has_no_field_status(app, client, coordinator):
    unit = make_unit(at=Stage.REVIEW)
    assert client.get(f"/api/units/{unit.serial}").get_json()["field_status"] is None


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.REVIEWER])
def test_only_a_coordinator_marks_a_unit_lost(app, client, role):
    unit = make_delivered_unit()
    login(client, make_user(role))
    english(client)
    assert "Lost or destroyed in the field" not in text(client.get(f"/u/{unit.serial}"))
    before = database_state()
    response = post(
        client, f"/u/{unit.serial}/field/lost", loss_form("lost", unit.version, "unknown")
    )
    assert response.status_code == 403
    assert database_state() == before
