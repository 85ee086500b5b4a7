"""Handing an approved unit over to a receiving unit (what follows in the field: test_returns)."""

import re
from datetime import timedelta

import pytest

from tests.helpers import login, make_unit, make_user, post, reload, workshop_today
from tests.integration.support import (
    audit_events,
    database_state,
    delivery_form,
    english,
    return_form,
    text,
)
from workshop.extensions import db
from workshop.models import Delivery
from workshop.services.review import sign_off
from workshop.services.stages import StageInput
from workshop.workflow import Action, Role, Stage


def approved_unit():
    unit = make_unit(builder=make_user(), at=Stage.REVIEW)
    sign_off(unit, make_user(Role.REVIEWER), Action.APPROVE, StageInput(version=unit.version))
    return reload(unit)


def test_an_approved_unit_is_handed_over_with_code_date_and_who(app, client, coordinator):
    unit = approved_unit()
    page = text(client.get(f"/u/{unit.serial}"))
    assert "Hand over" in page and "Record the handover" in page
    handed = workshop_today() - timedelta(days=2)
    response = post(
        client, f"/u/{unit.serial}/deliver", delivery_form(unit.version, " bravo-7 ", handed)
    )
    assert response.status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.status) == ("delivered", "active")
    delivery = db.session.scalars(db.select(Delivery)).one()
    assert (delivery.receiver_code, delivery.delivered_on, delivery.handed_over_by_id) == (
        "BRAVO-7",
        handed,
        coordinator.id,
    )
    event = audit_events(unit.serial, "unit.deliver")[-1]
    assert event.after["receiver"] == "BRAVO-7" and event.after["date"] == handed.isoformat()
    assert event.before["stage"] == "approved" and event.after["stage"] == "delivered"
    page = text(client.get(f"/u/{unit.serial}"))
    assert "Delivered" in page and "BRAVO-7" in page and coordinator.name in page
    assert "Record a return" in page and "Record the handover" not in page


@pytest.mark.parametrize(
    ("receiver", "on", "message"),
    [
        ("B", None, "Some fields need attention"),
        ("", None, "Some fields need attention"),
        ("BRAVO 7", None, "Enter the receiving unit's code: 2 to 32 letters, digits or dashes."),
        ("BR@VO;DROP", None, "Enter the receiving unit's code: 2 to 32 letters, digits or dashes."),
        ("X" * 33, None, "Some fields need attention"),
        (
            "BRAVO-7",
            workshop_today() + timedelta(days=1),
            "The handover date cannot be in the future.",
        ),
        ("BRAVO-7", "31.02.2026", "Some fields need attention"),
        ("BRAVO-7", "", "Some fields need attention"),
    ],
)
def test_a_bad_handover_says_why_and_changes_nothing(
    app, client, coordinator, receiver, on, message
):
    unit = approved_unit()
    before = database_state()
    form = delivery_form(unit.version, receiver, on)
    if on == "":
        form["deliver-delivered_on"] = ""
    response = post(client, f"/u/{unit.serial}/deliver", form)
    assert response.status_code == 400
    assert message.replace("'", "&#39;") in text(response)
    assert database_state() == before


def test_only_an_approved_unit_can_be_handed_over(app, client, coordinator):
    unit = make_unit(builder=make_user(), at=Stage.REVIEW)
    before = database_state()
    response = post(client, f"/u/{unit.serial}/deliver", delivery_form(unit.version))
    assert response.status_code == 403
    assert "This cannot be done while the unit is at Review." in text(response)
    assert database_state() == before


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.REVIEWER])
def test_only_a_coordinator_hands_over(app, client, role):
    unit = approved_unit()
    login(client, make_user(role))
    english(client)
    assert "Record the handover" not in text(client.get(f"/u/{unit.serial}"))
    before = database_state()
    response = post(client, f"/u/{unit.serial}/deliver", delivery_form(unit.version))
    assert response.status_code == 403 and "Your role may not open this page." in text(response)
    assert database_state() == before


def test_a_delivered_unit_cannot_be_built_on_or_handed_over_again(app, client, coordinator):
    unit = approved_unit()
    assert post(client, f"/u/{unit.serial}/deliver", delivery_form(unit.version)).status_code == 302
    unit = reload(unit)
    before = database_state()
    response = post(client, f"/u/{unit.serial}/deliver", delivery_form(unit.version, "CHARLIE-1"))
    assert response.status_code == 403
    response = post(client, f"/u/{unit.serial}/finish", {"version": str(unit.version)})
    assert response.status_code == 403 and "signed off and frozen" in text(response)
    assert database_state() == before


def test_a_stale_handover_page_gets_the_conflict_message(app, client, coordinator):
    unit = approved_unit()
    stale = unit.version
    assert post(client, f"/u/{unit.serial}/deliver", delivery_form(stale)).status_code == 302
    unit = reload(unit)
    assert post(client, f"/u/{unit.serial}/return", return_form(unit.version)).status_code == 302
    before = database_state()
    response = post(client, f"/u/{unit.serial}/deliver", delivery_form(stale))
    assert response.status_code == 409 and "Someone else changed this unit" in text(response)
    assert database_state() == before


def test_the_handover_offers_the_receiving_units_handed_over_to_last(app, client, coordinator):
    for code in ("ALPHA-1", "BRAVO-7", "ALPHA-1", "CHARLIE-3"):
        unit = approved_unit()
        post(client, f"/u/{unit.serial}/deliver", delivery_form(unit.version, code))
    unit = approved_unit()

    page = text(client.get(f"/u/{unit.serial}"))

    offered = re.findall(r'<button type="button" class="recent-code" data-code="([^"]+)">', page)
    assert offered == ["CHARLIE-3", "ALPHA-1", "BRAVO-7"]  # each once, the latest first
    assert 'data-fills="deliver-receiver_code"' in page


def test_no_recent_code_offers_no_buttons_and_the_code_is_typed(app, client, coordinator):
    unit = approved_unit()

    page = text(client.get(f"/u/{unit.serial}"))

    assert "recent-code" not in page and 'name="deliver-receiver_code"' in page
