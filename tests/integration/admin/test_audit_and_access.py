"""The audit log shows every change with before and after; only a coordinator opens admin pages."""

import json
import re
from html import unescape

import pytest
import sqlalchemy as sa

from tests.helpers import login, make_unit, make_user, pass_checks, post, reload, required_ids
from tests.integration.support import (
    decision_form,
    delivery_form,
    english,
    finish,
    return_form,
    rework_form,
    status_form,
    text,
)
from workshop.extensions import db
from workshop.models import AuditEvent, Unit
from workshop.workflow import Role, Stage

ADMIN_PAGES = ["/admin/types", "/admin/types/new", "/admin/users", "/admin/audit"]


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.REVIEWER])
def test_only_a_coordinator_opens_the_admin_pages(app, client, role):
    make_unit()
    login(client, make_user(role))
    english(client)
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Your role may not open this page." in text(response)
    page = text(client.get("/"))
    assert "Audit log" not in page and "Accounts" not in page


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.REVIEWER])
def test_a_non_coordinator_posting_admin_forms_changes_nothing(app, client, role):
    from tests.integration.support import database_state

    target = make_user(name="Target")
    login(client, make_user(role))
    before = database_state()
    forged = [
        ("/admin/users", {"new-name": "Intruder", "new-role": "admin", "new-pin": "1234"}),
        (f"/admin/users/{target.id}", {f"u{target.id}-role": "admin", f"u{target.id}-active": "y"}),
        ("/admin/types/new", {"name": "X", "prefix": "XX"}),
    ]
    for path, data in forged:
        assert post(client, path, data).status_code == 403, path
    assert database_state() == before


def test_admin_pages_need_a_login(app, client):
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_audit_log_shows_every_change_who_and_before_and_after(app, client):
    boss = make_user(Role.ADMIN, name="Koordynator")
    volunteer = make_user(name="Sokil")
    reviewer = make_user(Role.REVIEWER, name="Lisa")
    bench, review = app.test_client(), app.test_client()
    login(bench, volunteer)
    login(review, reviewer)
    login(client, boss)
    english(client)
    unit = make_unit(builder=volunteer)
    assert finish(bench, unit, required_ids(unit), "kit ok").status_code == 302
    from workshop.services.stages import StageInput, finish_stage

    while reload(unit).stage != "review":
        pass_checks(reload(unit), volunteer)
        finish_stage(
            reload(unit),
            volunteer,
            StageInput(version=reload(unit).version, checked=required_ids(reload(unit))),
        )
    assert (
        post(
            review, f"/review/{unit.serial}/approve", {"approve-version": str(reload(unit).version)}
        ).status_code
        == 302
    )
    assert (
        post(
            client, f"/u/{unit.serial}/deliver", delivery_form(reload(unit).version, "ALFA-1")
        ).status_code
        == 302
    )
    assert (
        post(
            client,
            f"/u/{unit.serial}/return",
            return_form(reload(unit).version, "firmware", "ALFA-1"),
        ).status_code
        == 302
    )
    assert (
        post(
            client,
            f"/u/{unit.serial}/return/repair",
            decision_form(reload(unit).version, "flashing"),
        ).status_code
        == 302
    )

    events = list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity_key == unit.serial)
            .order_by(AuditEvent.id)
        )
    )
    assert [e.action for e in events] == [
        "unit.create",
        "unit.part",
        "unit.part",
        "unit.finish",
        "unit.finish",
        "unit.run_identity",
        "unit.finish",
        "unit.run_bench",
        "unit.finish",
        "unit.approve",
        "unit.deliver",
        "unit.return",
        "unit.repair",
    ]
    page = text(client.get("/admin/audit", query_string={"key": unit.serial.lower()}))
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    rows = [_words(row) for row in body.split("<tr>")[1:]]
    assert len(rows) == len(events)
    for row, event in zip(rows, reversed(events), strict=True):  # newest first
        assert event.user.name in row
        assert unit.serial in row
        for side in (event.before, event.after):
            for key, value in (side or {}).items():
                assert key in row and _shown(value) in row, (event.action, key, value)
    joined = " ".join(rows)
    for words in (
        "Sokil",
        "Lisa",
        "Koordynator",
        "approved",
        "handed over",
        "recorded a return",
        "sent for repair",
        "ALFA-1",
    ):
        assert words in joined, words


def _words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _shown(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def test_every_change_to_a_unit_wrote_its_audit_event(app, client):
    """Replays the whole flow, then checks each unit's log agrees with what happened to it."""
    boss = make_user(Role.ADMIN)
    volunteer = make_user()
    reviewer = make_user(Role.REVIEWER)
    bench, review = app.test_client(), app.test_client()
    login(bench, volunteer)
    login(review, reviewer)
    login(client, boss)
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    other = make_unit(builder=volunteer)
    changes = [
        (
            bench,
            f"/u/{other.serial}/status/hold",
            lambda: status_form(reload(other).version, "ESC late"),
            other,
        ),
        (
            bench,
            f"/u/{other.serial}/status/release",
            lambda: status_form(reload(other).version),
            other,
        ),
        (
            bench,
            f"/u/{other.serial}/fail",
            lambda: rework_form("fail", reload(other).version, "damaged_part"),
            other,
        ),
        (
            review,
            f"/review/{unit.serial}/reject",
            lambda: rework_form("reject", reload(unit).version, "short"),
            unit,
        ),
        (
            bench,
            f"/u/{other.serial}/status/scrap",
            lambda: status_form(reload(other).version, "burnt"),
            other,
        ),
    ]
    for who, path, form, target in changes:
        before_rows = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
        before_unit = (reload(target).stage, reload(target).status, reload(target).rework)
        assert post(who, path, form()).status_code == 302, path
        event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == before_rows + 1
        target = reload(target)
        assert event.entity_key == target.serial
        assert (
            event.before["stage"],
            event.before["status"],
            event.before["rework"],
        ) == before_unit
        assert (event.after["stage"], event.after["status"], event.after["rework"]) == (
            target.stage,
            target.status,
            target.rework,
        )
    # Each unit's last audited state is the state it is in.
    for unit in db.session.scalars(sa.select(Unit)):
        last = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity_key == unit.serial)
            .order_by(AuditEvent.id.desc())
        ).first()
        assert (last.after["stage"], last.after["status"]) == (unit.stage, unit.status)
