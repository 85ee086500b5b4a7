"""A volunteer moves a unit through its build stages from the unit page."""

from tests.helpers import login, make_unit, make_user, post, reload, required_ids
from workshop.models import AuditEvent, StageRecord
from workshop.extensions import db
from workshop.workflow import Stage


def test_volunteer_finishes_kitting_with_required_items_ticked(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    items = [str(i) for i in required_ids(unit)]
    response = post(client, f"/u/{unit.serial}/finish", {"version": unit.version, "item": items, "note": "all there"})
    assert response.status_code == 302
    unit = reload(unit)
    assert unit.stage == Stage.SOLDERING
    record = db.session.scalars(db.select(StageRecord)).one()
    assert record.note == "all there" and record.user_id == volunteer.id
    page = client.get(f"/u/{unit.serial}").get_data(as_text=True)
    assert "all there" in page


def test_stage_does_not_finish_with_a_required_item_unticked(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    events_before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    one = sorted(required_ids(unit))[:1]
    response = post(client, f"/u/{unit.serial}/finish", {"version": unit.version, "item": [str(i) for i in one]})
    assert response.status_code == 403
    assert "Tick every required item first" in response.get_data(as_text=True) or "Позначте" in response.get_data(as_text=True)
    assert reload(unit).stage == Stage.KITTING
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == events_before
