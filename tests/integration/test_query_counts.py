"""Each page reads what it shows in a fixed number of SQL statements, however much there is.

Every page is opened with little data, then again after the data has grown (more stage records
and photos, parts, reviews, handovers, people, drone types, audit events). The statements sent
to the database are counted (SQLAlchemy's `before_cursor_execute`) and must be as many the
second time as the first. Templates only display: no relationship is lazy-loaded while a
page is built, so a wide recall or a long-reworked unit costs no more round trips than a new one.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask.testing import FlaskClient

from tests.helpers import (
    login,
    make_delivered_unit,
    make_drone_type,
    make_place,
    make_unit,
    make_user,
    receive,
    workshop_today,
)
from tests.integration.stock_support import Shop, open_shop
from tests.integration.support import english, text
from workshop.extensions import db
from workshop.models import (
    Delivery,
    DroneType,
    FieldLoss,
    Lot,
    Photo,
    Return,
    Review,
    StageRecord,
    Unit,
    UnitPart,
    User,
)
from workshop.models.timestamps import utcnow
from workshop.services import audit, draws, drone_types, returns, units
from workshop.services import stages as stages_service
from workshop.services.drone_types import BomLine
from workshop.services.returns import ReturnInput
from workshop.services.stages import StageInput
from workshop.workflow import Action, Role, Stage

#: A page may grow by new features, but a handful of statements is what reading one costs: the
#: review page, the largest, reads the login, the unit and each of its collections (parts,
#: photos, reviews, handovers, returns, the type's bill and checklist), who worked on it, what it
#: drew from stock, its history, its latest runs and the printers.
FEW = 14


@dataclass
class Traffic:
    statements: list[str] = field(default_factory=list)
    #: Relationships loaded one object at a time (lazy loads), as "Class.attribute".
    lazy_loads: list[str] = field(default_factory=list)


@contextmanager
def counted() -> Iterator[Traffic]:
    traffic = Traffic()

    def on_statement(conn, cursor, statement, parameters, context, executemany):
        traffic.statements.append(statement)

    def on_orm_execute(state: so.ORMExecuteState):
        if state.is_select and state.lazy_loaded_from is not None:
            traffic.lazy_loads.append(
                f"{state.lazy_loaded_from.class_.__name__} → {state.statement}"
            )

    sa.event.listen(db.engine, "before_cursor_execute", on_statement)
    sa.event.listen(so.Session, "do_orm_execute", on_orm_execute)
    try:
        yield traffic
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", on_statement)
        sa.event.remove(so.Session, "do_orm_execute", on_orm_execute)


def read(client: FlaskClient, path: str, expect: str = "") -> Traffic:
    with counted() as traffic:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert expect in text(response)
    return traffic


def assert_same_cost(small: Traffic, large: Traffic) -> None:
    assert large.lazy_loads == [], "\n".join(large.lazy_loads)
    assert len(large.statements) == len(small.statements), "\n\n".join(large.statements)
    assert len(large.statements) <= FEW, "\n\n".join(large.statements)


def wide_type(prefix: str, tracked: int) -> DroneType:
    """A drone type whose bill of materials has `tracked` tracked parts and a frame."""
    bom = [BomLine("Frame")] + [BomLine(f"Part {n}", 1, True) for n in range(tracked)]
    return drone_types.save_type(None, f"Type {prefix}", prefix, True, bom, [], None)


def grow_traveler(unit: Unit, n: int) -> None:
    """Add `n` of everything a traveler shows, each by a person of its own.

    A stage record with its photo, a loose photo, a tracked part code, a review, a handover,
    a return from the field decided "repair" with its photo, a mark of a loss in the field, and
    a history event. Written as rows: the pages only read them.
    """
    tracked = [item for item in unit.drone_type.bom if item.tracked]
    already = db.session.scalar(
        sa.select(sa.func.count(StageRecord.id)).where(StageRecord.unit_id == unit.id)
    )
    for k in range(already, already + n):
        person, checker, keeper = make_user(), make_user(Role.REVIEWER), make_user(Role.ADMIN)
        record = StageRecord(
            unit=unit,
            stage=Stage.SOLDERING.value,
            outcome="failed",
            user_id=person.id,
            answers=[{"text": "Joints shiny", "required": True, "checked": False}],
            note=f"note {k}",
            reason="cold_joint",
            rework_to=Stage.SOLDERING.value,
        )
        db.session.add(record)
        for on_record in (record, None):
            db.session.add(
                Photo(
                    unit=unit,
                    record=on_record,
                    stage=Stage.SOLDERING.value,
                    filename=f"{uuid.uuid4().hex}.jpg",
                    uploaded_by_id=person.id,
                )
            )
        db.session.add(
            UnitPart(
                unit=unit,
                bom_item_id=tracked[k % len(tracked)].id,
                part_id=tracked[k % len(tracked)].part_id,
                code=f"LOT-{uuid.uuid4().hex[:8].upper()}",
                recorded_by_id=person.id,
            )
        )
        db.session.add(
            Review(
                unit=unit,
                reviewer_id=checker.id,
                decision="rejected",
                reason="cold_joint",
                rework_to=Stage.SOLDERING.value,
                note="",
            )
        )
        handover = Delivery(
            unit=unit,
            receiver_code=f"BRAVO-{k}",
            delivered_on=workshop_today(),
            handed_over_by_id=keeper.id,
        )
        back = Return(
            unit=unit,
            delivery=handover,
            receiver_code=f"BRAVO-{k}",
            returned_on=workshop_today(),
            reason="no_video",
            reason_text=f"video {k} lost",
            recorded_by_id=keeper.id,
            outcome="repair",
            repair_stage=Stage.SOLDERING.value,
            decided_by_id=checker.id,
            decided_at=utcnow(),
        )
        db.session.add_all([handover, back])
        db.session.add(
            Photo(
                unit=unit,
                field_return=back,
                stage=Stage.DELIVERED.value,
                filename=f"{uuid.uuid4().hex}.jpg",
                uploaded_by_id=keeper.id,
            )
        )
        db.session.add(
            FieldLoss(
                unit=unit,
                delivery=handover,
                kind="lost",
                reason="unknown",
                happened_on=workshop_today(),
                recorded_by_id=person.id,
            )
        )
        audit.record(
            person,
            "unit.fail",
            "unit",
            unit.serial,
            {"stage": "soldering"},
            {"stage": "soldering", "reason": "cold_joint"},
        )
    db.session.commit()


def to_stage(unit: Unit, stage: Stage) -> Unit:
    unit.stage = stage.value
    db.session.commit()
    return unit


def test_the_unit_page_costs_the_same_for_2_and_for_12_stage_records(app, client):
    unit = make_unit(wide_type("W12", tracked=12))
    grow_traveler(unit, 2)
    login(client, make_user())
    small = read(client, f"/u/{unit.serial}", "note 1")
    grow_traveler(unit, 10)
    large = read(client, f"/u/{unit.serial}", "note 11")
    assert_same_cost(small, large)


def test_the_review_page_costs_the_same_for_2_and_for_12_stage_records(app, client):
    unit = make_unit(wide_type("W12", tracked=12))
    grow_traveler(unit, 2)
    to_stage(unit, Stage.REVIEW)
    login(client, make_user(Role.REVIEWER))
    small = read(client, f"/review/{unit.serial}", "note 1")
    grow_traveler(unit, 10)
    large = read(client, f"/review/{unit.serial}", "note 11")
    assert_same_cost(small, large)


def test_the_recall_search_costs_the_same_for_2_and_for_30_matching_parts(app, client):
    types = [wide_type(f"R{n}", tracked=3) for n in range(3)]
    builder = make_user()

    def fit_bad_parts(count: int, start: int) -> None:
        """One part of the bad lot in each of `count` new units; every other one taken out."""
        for n in range(start, start + count):
            drone_type = types[n % len(types)]
            unit = units.create_unit(drone_type.id, builder)
            item = [i for i in drone_type.bom if i.tracked][n % 3]
            taken_out_by = make_user() if n % 2 else None
            db.session.add(
                UnitPart(
                    unit=unit,
                    bom_item=item,
                    part_id=item.part_id,
                    code=f"BADLOT-{n:03d}",
                    recorded_by_id=builder.id,
                    removed_at=utcnow() if taken_out_by else None,
                    removed_by_id=taken_out_by.id if taken_out_by else None,
                )
            )
        db.session.commit()

    fit_bad_parts(2, 0)
    login(client, builder)
    small = read(client, "/parts?q=badlot", "BADLOT-001")
    fit_bad_parts(28, 2)
    large = read(client, "/parts?q=badlot", "BADLOT-029")
    assert text(client.get("/parts?q=badlot")).count('class="removed"') == 15
    assert_same_cost(small, large)


def test_the_review_queue_costs_the_same_for_2_and_for_12_waiting_units(app, client):
    types = [make_drone_type(f"Q{n}") for n in range(6)]
    builder = make_user()

    def send_to_review(count: int, start: int) -> None:
        for n in range(start, start + count):
            to_stage(units.create_unit(types[n % len(types)].id, builder), Stage.REVIEW)

    send_to_review(2, 0)
    login(client, make_user(Role.REVIEWER))
    small = read(client, "/review/", "Type Q1")
    send_to_review(10, 2)
    large = read(client, "/review/", "Type Q5")
    assert_same_cost(small, large)


def test_the_audit_log_costs_the_same_for_events_by_2_and_by_30_people(app, client):
    def events_by_new_people(count: int) -> None:
        for person in [make_user(name=f"Person {uuid.uuid4().hex[:6]}") for _ in range(count)]:
            audit.record(person, "user.update", "user", person.id)
        db.session.commit()

    events_by_new_people(2)
    login(client, make_user(Role.ADMIN))
    small = read(client, "/admin/audit", "Person")
    events_by_new_people(28)
    large = read(client, "/admin/audit", "Person")
    assert_same_cost(small, large)


def test_the_drone_types_list_costs_the_same_for_2_and_for_8_types(app, client):
    for n in range(2):
        make_drone_type(f"D{n}")
    login(client, make_user(Role.ADMIN))
    small = read(client, "/admin/types", "Type D1")
    for n in range(2, 7):
        make_drone_type(f"D{n}")
    wide_type("D7", tracked=0)
    large = read(client, "/admin/types", "Type D7")
    assert_same_cost(small, large)
    english(client)
    page = text(client.get("/admin/types"))
    # Counted in words that agree with the number (Ukrainian has three plural forms).
    assert page.count("3 parts, 2 tracked") == 7 and "1 part, 0 tracked" in page


def test_the_api_costs_the_same_for_a_unit_with_2_and_with_12_parts(app, client):
    unit = make_unit(wide_type("W12", tracked=12))
    grow_traveler(unit, 2)
    login(client, make_user())
    small = read(client, f"/api/units/{unit.serial}")
    parts_before = len(client.get(f"/api/units/{unit.serial}").get_json()["parts"])
    grow_traveler(unit, 10)
    large = read(client, f"/api/units/{unit.serial}")
    assert len(client.get(f"/api/units/{unit.serial}").get_json()["parts"]) == parts_before + 10
    assert_same_cost(small, large)


def test_the_api_list_costs_the_same_for_2_and_for_12_units(app, client):
    types = [make_drone_type(f"L{n}") for n in range(4)]
    builder = make_user()
    for n in range(2):
        units.create_unit(types[n].id, builder)
    login(client, builder)
    small = read(client, "/api/units")
    for n in range(2, 12):
        units.create_unit(types[n % 4].id, builder)
    large = read(client, "/api/units")
    assert len(client.get("/api/units").get_json()["units"]) == 12
    assert_same_cost(small, large)


def test_the_accounts_page_costs_the_same_for_2_and_for_12_accounts(app, client):
    admin = make_user(Role.ADMIN)
    make_user()
    login(client, admin)
    small = read(client, "/admin/users")
    for _ in range(10):
        make_user()
    large = read(client, "/admin/users")
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 12
    assert_same_cost(small, large)


# Stock (issue 9): the pages read aggregates, so lots and units do not add statements. ---------


def stock_grows(shop: Shop, bulk: Lot, n: int, start: int) -> None:
    """`n` more lots on new shelves, and `n` more units that drew from the bulk lot of motors,
    every other one with its ESC's serial recorded from another lot, and handed over."""
    who = shop.volunteer
    for k in range(start, start + n):
        shelf = make_place(f"Kyiv workshop/Shelf {k}")
        receive("Frame", 2, shelf, shop.coordinator)
        unit = units.create_unit(shop.drone_type.id, who)
        draws.draw(unit, shop.line("Motor 2807"), bulk.code, 1, who, unit.version)
        if k % 2:
            esc = receive("ESC 4in1", 1, shelf, shop.coordinator)
            draws.draw(unit, shop.line("ESC 4in1"), esc.code, 1, who, unit.version)
            units.record_part(unit, shop.line("ESC 4in1"), f"ESC-{k}", who, unit.version)
            unit.stage = Stage.DELIVERED.value
            db.session.add(
                Delivery(
                    unit=unit,
                    receiver_code=f"BRAVO-{k}",
                    delivered_on=workshop_today(),
                    handed_over_by_id=shop.coordinator.id,
                )
            )
            db.session.commit()


STOCK_PAGES = {
    "what can we build": lambda shop, bulk: ("/stock/buildable", "Quad Q7"),
    "a lot's recall": lambda shop, bulk: (f"/lots/{bulk.code}", "BRAVO-"),
    "the stock": lambda shop, bulk: ("/stock", "Motor 2807"),
    "a unit at kitting": lambda shop, bulk: (f"/u/{shop.unit.serial}", "Scan lot"),
    "the stock API": lambda shop, bulk: ("/api/stock", "Motor 2807"),
    "what can be built, by API": lambda shop, bulk: ("/api/buildable", "Quad Q7"),
}


@pytest.mark.parametrize("page", STOCK_PAGES)
def test_stock_pages_cost_the_same_for_2_and_for_12_lots_and_units(app, client, page):
    shop = open_shop()
    bulk = receive("Motor 2807", 100, shop.box, shop.coordinator)
    stock_grows(shop, bulk, 2, 0)
    login(client, shop.coordinator)
    english(client)
    path, expect = STOCK_PAGES[page](shop, bulk)
    small = read(client, path, expect)
    stock_grows(shop, bulk, 10, 2)
    large = read(client, path, expect)
    assert_same_cost(small, large)


def _work_in_progress(count: int, start: int, types: list[DroneType]) -> None:
    """`count` units over the board's stages and drone types, one in three on hold, one in four
    handed over (then returned, so it is in progress again), through the real services."""
    builder = make_user()
    stages = [Stage.KITTING, Stage.SOLDERING, Stage.FLASHING, Stage.REVIEW]
    for n in range(start, start + count):
        if n % 4 == 3:
            unit = make_delivered_unit(builder=builder)
            returns.record_return(
                unit,
                make_user(Role.ADMIN),
                ReturnInput(unit.version, "BRAVO-7", workshop_today(), "crash"),
            )
            continue
        unit = make_unit(types[n % len(types)], builder, at=stages[n % len(stages)])
        if n % 3 == 2:
            stages_service.change_status(
                unit, builder, Action.HOLD, StageInput(version=unit.version, text=f"part {n}")
            )


#: What the overview and the metrics API read, however many units: the login, the board, the
#: drone types, the units on hold, the output of today and of the week; the API each figure.
FIGURES = 16


def test_the_overview_and_the_metrics_api_cost_the_same_for_3_and_for_15_units(app, client):
    types = [make_drone_type(f"O{n}") for n in range(3)]
    _work_in_progress(3, 0, types)
    login(client, make_user())
    small = [read(client, "/overview/", "part 2"), read(client, "/api/metrics")]
    _work_in_progress(12, 3, types)
    large = [read(client, "/overview/", "part 14"), read(client, "/api/metrics")]
    for before, after in zip(small, large, strict=True):
        assert after.lazy_loads == [], "\n".join(after.lazy_loads)
        assert len(after.statements) == len(before.statements), "\n\n".join(after.statements)
        assert len(after.statements) <= FIGURES, "\n\n".join(after.statements)
