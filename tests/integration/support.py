"""Helpers of the integration suite on top of tests/helpers.py: reading what a person sees
(text, English pages), what the database holds (database_state, audit_events) and the forms
a page sends."""

import re
from datetime import date, timedelta
from io import BytesIO
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient
from PIL import Image

from tests.helpers import csrf_token, make_user, post, reload, workshop_today
from workshop.extensions import db
from workshop.models import AuditEvent, Unit, User
from workshop.workflow import Role, Stage

SIGN_IN_RECORDS = {"login_sessions", "login_failures"}
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


def english(client: FlaskClient) -> None:
    """Switch the client's session to English, as the language chip does."""
    response = client.post("/language", data={"csrf_token": csrf_token(client), "lang": "en"})
    assert response.status_code == 302


def text(response) -> str:
    return response.get_data(as_text=True)


def database_state() -> dict[str, Any]:
    """Every table's row count, every unit's state and every lot's quantity and place, read
    from committed data.

    Compared before and after a refused request: equal means nothing changed. Logins and
    wrong PINs are left out: they are the record of who knocked, kept whatever the answer.
    """
    db.session.rollback()
    with db.engine.connect() as connection:
        counts = {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name not in SIGN_IN_RECORDS
        }
        units = connection.execute(
            sa.text(
                "SELECT serial, stage, status, rework, status_note, version FROM units ORDER BY id"
            )
        ).all()
        users = connection.execute(
            sa.text("SELECT name, role, active, pin_hash FROM users ORDER BY id")
        ).all()
        types = connection.execute(
            sa.text("SELECT name, prefix, active FROM drone_types ORDER BY id")
        ).all()
        lots = connection.execute(
            sa.text("SELECT code, quantity, place_id FROM lots ORDER BY id")
        ).all()
        parts = connection.execute(
            sa.text("SELECT name, tracked, low_stock FROM parts ORDER BY id")
        ).all()
        places = connection.execute(sa.text("SELECT path FROM places ORDER BY id")).all()
    return {
        "counts": counts,
        "units": units,
        "users": users,
        "types": types,
        "lots": lots,
        "parts": parts,
        "places": places,
    }


def audit_events(serial: str | None = None, action: str | None = None) -> list[AuditEvent]:
    db.session.expire_all()
    query = sa.select(AuditEvent).order_by(AuditEvent.id)
    if serial:
        query = query.where(AuditEvent.entity_key == serial)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def move_back(model, minutes: float) -> None:
    """Make every row of `model` older by `minutes`, as if that long had passed: its times
    (a login's last use, a wrong PIN and the lock it set) move back together."""
    db.session.expire_all()
    columns = [c.key for c in sa.inspect(model).columns if isinstance(c.type, sa.DateTime)]
    for row in db.session.scalars(sa.select(model)):
        for column in columns:
            if (moment := getattr(row, column)) is not None:
                setattr(row, column, moment - timedelta(minutes=minutes))
    db.session.commit()


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def page_version(client: FlaskClient, serial: str) -> int:
    """The version a person's open unit page carries in its forms."""
    match = VERSION.search(text(client.get(f"/u/{serial}")))
    assert match, "the unit page has no version field"
    return int(match.group(1))


def image_file(fmt: str = "JPEG", size: tuple[int, int] = (64, 48)) -> BytesIO:
    """A small real picture made with Pillow."""
    buffer = BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, fmt)
    buffer.seek(0)
    return buffer


def finish(client: FlaskClient, unit: Unit, items, note: str = "", photo=None, version=None):
    data = {
        "version": str(version if version is not None else reload(unit).version),
        "item": [str(i) for i in items],
        "note": note,
    }
    if photo is not None:
        data["photo"] = photo
    return post(client, f"/u/{unit.serial}/finish", data, content_type="multipart/form-data")


def rework_form(prefix: str, version: int, reason: str, stage: str = "", words: str = "") -> dict:
    return {
        f"{prefix}-version": str(version),
        f"{prefix}-reason": reason,
        f"{prefix}-rework_stage": stage,
        f"{prefix}-text": words,
    }


def status_form(version: int, words: str = "") -> dict:
    return {"status-version": str(version), "status-text": words}


def delivery_form(version: int, receiver: str = "BRAVO-7", on: date | str | None = None) -> dict:
    on = on or workshop_today()
    return {
        "deliver-version": str(version),
        "deliver-receiver_code": receiver,
        "deliver-delivered_on": on.isoformat() if isinstance(on, date) else on,
    }


def return_form(
    version: int,
    reason: str = "no_video",
    receiver: str = "BRAVO-7",
    on: date | str | None = None,
    words: str = "",
    notes: str = "",
) -> dict:
    """The unit page's form recording a return from the field."""
    on = on or workshop_today()
    return {
        "return-version": str(version),
        "return-receiver_code": receiver,
        "return-returned_on": on.isoformat() if isinstance(on, date) else on,
        "return-reason": reason,
        "return-reason_text": words,
        "return-notes": notes,
    }


def decision_form(version: int, stage: str = "bench_test", words: str = "") -> dict:
    """The unit page's form deciding on a return (repair, scrap, give back as is)."""
    return {"decide-version": str(version), "decide-stage": stage, "decide-text": words}


def loss_form(loss: str, version: int, reason: str, on: date | str | None = None) -> dict:
    """The unit page's form marking a delivered unit lost or destroyed."""
    on = on or workshop_today()
    return {
        f"{loss}-version": str(version),
        f"{loss}-reason": reason,
        f"{loss}-happened_on": on.isoformat() if isinstance(on, date) else on,
    }


def reviewer() -> User:
    return make_user(Role.REVIEWER)


def admin() -> User:
    return make_user(Role.ADMIN)


def stage_of(unit: Unit) -> tuple[Stage, str, bool]:
    unit = reload(unit)
    return Stage(unit.stage), unit.status, unit.rework
