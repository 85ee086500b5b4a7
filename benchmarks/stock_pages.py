"""What can we build and a lot's recall against the unit page, on a full-sized stock. Prints.

    python benchmarks/stock_pages.py [--units 20000] [--parts 500] [--lots 50000]
                                     [--ledger 1000000] [--requests 300] [--keep DIR]

Seeds a SQLite file in a temporary folder (migrated with Alembic, the demo data through the
services), then in bulk through SQLAlchemy Core: --parts parts in eight more drone types' bills,
--lots lots on 200 places of the demo's two sites, --units units spread over the stages (those
past kitting drew their whole bill from lots, tracked pieces with their serials, delivered ones
with a receiving unit's code), and ledger rows up to --ledger (receipts, draws, and counts that
corrected a lot and were corrected back). Every lot is the sum of its ledger rows.

Then, logged in as the demo coordinator through the Flask test client, each of --requests
rounds times in turn: the unit page (GET /u/<serial> of a random unit), what can we build
(GET /stock/buildable) and a lot's recall page (GET /lots/<code> of a random lot that units
drew from). Prints the median and p95 of each, the SQL statements each costs, and the ratio of
each p95 to the unit page's p95 against the target: at most 2.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import sqlalchemy as sa
from flask_migrate import upgrade
from scan_to_page import (
    ORDER,
    STAGE_WEIGHTS,
    SqlMeter,
    insert_in_batches,
    logged_in_client,
    p95,
    run_in_folder,
    timed_in_turns,
)

from workshop import create_app
from workshop.extensions import db
from workshop.models import (
    BomItem,
    Delivery,
    DroneType,
    LedgerEntry,
    Lot,
    Part,
    Place,
    SerialCounter,
    Site,
    StageRecord,
    Unit,
    UnitPart,
    User,
)
from workshop.services import demo, stock
from workshop.services.parts import part_key
from workshop.workflow import Stage

RATIO_TARGET = 2.0
YEAR = 2026
PLACES = 200
EXTRA_TYPES = 8
LINES_PER_TYPE = 14


def seed(args: argparse.Namespace, rng: random.Random) -> None:
    demo.seed()
    db.session.commit()
    users = db.session.scalars(sa.select(User)).all()
    sites = db.session.scalars(sa.select(Site)).all()
    workshop = next(site for site in sites if site.name == demo.WORKSHOP)
    start = datetime(YEAR, 1, 5, 8, 0, tzinfo=UTC)
    with db.engine.begin() as connection:
        parts = _parts(connection, args.parts, rng)
        _types(connection, parts, rng)
        places = _places(connection, sites)
    types = db.session.scalars(sa.select(DroneType)).all()
    bills = {t.id: [(i.id, i.part_id, i.quantity, i.tracked) for i in t.bom] for t in types}
    lot_parts = [rng.choice(parts) for _ in range(args.lots)]
    # Every part of every bill has lots, so each draw below finds one.
    used = sorted({part for bill in bills.values() for _, part, _, _ in bill})
    lot_parts[: len(used)] = used
    first_lot = (db.session.scalar(sa.select(sa.func.max(Lot.id))) or 0) + 1
    lots_of: dict[int, list[int]] = defaultdict(list)
    for offset, part in enumerate(lot_parts):
        lots_of[part].append(first_lot + offset)
    drawn: dict[int, int] = defaultdict(int)
    ledger: list[dict[str, Any]] = []
    unit_rows, part_rows, record_rows, delivery_rows = [], [], [], []
    first_unit = (db.session.scalar(sa.select(sa.func.max(Unit.id))) or 0) + 1
    stages, weights = list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values())
    counters = {t.prefix: 1000 for t in types}
    for n in range(args.units):
        unit_id = first_unit + n
        drone_type = types[n % len(types)]
        counters[drone_type.prefix] += 1
        stage = rng.choices(stages, weights)[0]
        at = start + timedelta(minutes=n * 7)
        builder = rng.choice(users)
        unit_rows.append(
            {
                "id": unit_id,
                "serial": f"{drone_type.prefix}-{YEAR}-{counters[drone_type.prefix]:05d}",
                "drone_type_id": drone_type.id,
                "stage": stage.value,
                "status": "active",
                "rework": False,
                "status_note": "",
                "created_at": at,
                "stage_since": at,
                "created_by_id": builder.id,
                "site_id": workshop.id,
                "version": 1 + ORDER.index(stage),
            }
        )
        for done in ORDER[: min(ORDER.index(stage), 4)]:
            record_rows.append(
                {
                    "unit_id": unit_id,
                    "stage": done.value,
                    "outcome": "done",
                    "user_id": builder.id,
                    "at": at,
                    "answers": [],
                    "note": "",
                }
            )
        if stage is Stage.DELIVERED:
            delivery_rows.append(
                {
                    "unit_id": unit_id,
                    "receiver_code": f"BRAVO-{n % 40}",
                    "delivered_on": date(YEAR, 3, 1),
                    "handed_over_by_id": builder.id,
                    "recorded_at": at,
                }
            )
        if stage is Stage.KITTING:
            continue
        for item_id, part_id, quantity, tracked in bills[drone_type.id]:
            lot_id = rng.choice(lots_of[part_id])
            drawn[lot_id] += quantity
            ledger.append(
                _row("draw", at, part_id, lot_id, -quantity, builder.id, unit_id, item_id)
            )
            if tracked:
                part_rows.append(
                    {
                        "unit_id": unit_id,
                        "bom_item_id": item_id,
                        "part_id": part_id,
                        "lot_id": lot_id,
                        "code": f"SN{rng.randrange(10**8):08d}",
                        "recorded_by_id": builder.id,
                        "recorded_at": at,
                    }
                )
    site_of = {place.id: place.site_id for place in places}
    place_ids = list(site_of)
    lot_rows = []
    for offset, part in enumerate(lot_parts):
        lot_id = first_lot + offset
        received = drawn[lot_id] + rng.randrange(0, 60)
        day = date(YEAR, 1, 1) + timedelta(days=offset % 300)
        lot_rows.append(
            {
                "id": lot_id,
                "code": f"L-{lot_id:06d}",
                "part_id": part,
                "place_id": (place_id := rng.choice(place_ids)),
                "site_id": site_of[place_id],
                "quantity": received - drawn[lot_id],
                "source": rng.choice(("donation", "purchase")),
                "source_code": f"DON-{offset % 97:03d}",
                "received_on": day,
                "created_at": start,
                "created_by_id": users[0].id,
            }
        )
        ledger.append(_row("receive", start, part, lot_id, received, users[0].id))
    # Counts that found a lot off by one and put it right the next day, up to --ledger rows.
    while len(ledger) < args.ledger - 1:
        lot = rng.choice(lot_rows)
        for change in (-1, 1):
            ledger.append(_row("adjust", start, lot["part_id"], lot["id"], change, users[0].id))
    with db.engine.begin() as connection:
        insert_in_batches(connection, Lot.__table__, lot_rows)
        insert_in_batches(connection, Unit.__table__, unit_rows)
        insert_in_batches(connection, StageRecord.__table__, record_rows)
        insert_in_batches(connection, Delivery.__table__, delivery_rows)
        insert_in_batches(connection, UnitPart.__table__, part_rows)
        insert_in_batches(connection, LedgerEntry.__table__, ledger)
        for prefix, last in counters.items():
            connection.execute(
                sa.update(SerialCounter)
                .where(SerialCounter.prefix == prefix, SerialCounter.year == YEAR)
                .values(last=last)
            )
        connection.execute(
            sa.update(SerialCounter)
            .where(SerialCounter.prefix == "L", SerialCounter.year == 0)
            .values(last=first_lot + len(lot_rows))
        )
        connection.exec_driver_sql("ANALYZE")


def _row(
    kind: str,
    at: datetime,
    part: int,
    lot: int,
    change: int,
    user: int,
    unit: int | None = None,
    item: int | None = None,
) -> dict[str, Any]:
    return {
        "at": at,
        "kind": kind,
        "part_id": part,
        "lot_id": lot,
        "lot_change": change,
        "unit_id": unit,
        "bom_item_id": item,
        "unit_change": -change if kind == "draw" else 0,
        "reason": "",
        "user_id": user,
    }


def _parts(connection: sa.Connection, count: int, rng: random.Random) -> list[int]:
    existing = connection.execute(sa.select(sa.func.count(Part.id))).scalar_one()
    rows = [
        {
            "name": f"Part {n:04d}",
            "key": part_key(f"Part {n:04d}"),
            "category": rng.choice(("Frames", "Motors", "Electronics", "Props", "Wire")),
            "measure": "pcs",
            "tracked": n % 9 == 0,
            "low_stock": rng.choice((0, 0, 5, 20)),
            "created_at": datetime.now(UTC),
        }
        for n in range(max(count - existing, 0))
    ]
    insert_in_batches(connection, Part.__table__, rows)
    return list(connection.execute(sa.select(Part.id)).scalars())


def _types(connection: sa.Connection, parts: list[int], rng: random.Random) -> None:
    for n in range(EXTRA_TYPES):
        type_id = connection.execute(
            sa.insert(DroneType)
            .values(name=f"Bench type {n}", prefix=f"BT{n}", active=True)
            .returning(DroneType.id)
        ).scalar_one()
        chosen = rng.sample(parts, LINES_PER_TYPE)
        insert_in_batches(
            connection,
            BomItem.__table__,
            [
                {
                    "drone_type_id": type_id,
                    "part_id": part,
                    "quantity": rng.choice((1, 1, 2, 4)),
                    "position": k,
                }
                for k, part in enumerate(chosen)
            ],
        )


def _places(connection: sa.Connection, sites: list[Site]) -> list[sa.Row]:
    rows = []
    for n in range(PLACES):
        site = sites[n % len(sites)]
        name = f"Rack {n // 10}, shelf {n % 10}"
        rows.append(
            {
                "site_id": site.id,
                "name": name,
                "path": f"{site.name}/{name}",
                "code": f"P-{900000 + n:06d}",
                "created_at": datetime.now(UTC),
            }
        )
    insert_in_batches(connection, Place.__table__, rows)
    # Read on the seeding connection: the session's own would not see them before the commit.
    return list(connection.execute(sa.select(Place)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--parts", type=int, default=500)
    parser.add_argument("--lots", type=int, default=50_000)
    parser.add_argument("--ledger", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=9)
    run_in_folder(parser, "bench-stock-", run)


def run(folder: str, args: argparse.Namespace, rng: random.Random) -> None:
    os.environ["WORKSHOP_INSTANCE_PATH"] = folder
    app = create_app({"SECRET_KEY": "bench"})
    begin = time.perf_counter()
    with app.app_context():
        upgrade()
        if demo.is_empty():
            seed(args, rng)
        serials = list(db.session.scalars(sa.select(Unit.serial)))
        drawn_lots = list(
            db.session.scalars(
                sa.select(Lot.code)
                .join(LedgerEntry, LedgerEntry.lot_id == Lot.id)
                .where(LedgerEntry.kind == "draw")
                .distinct()
            )
        )
        disagreeing = len(stock.disagreements())
        totals = {
            name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for name, model in (
                ("units", Unit),
                ("parts", Part),
                ("lots", Lot),
                ("ledger rows", LedgerEntry),
            )
        }
        db.session.remove()
    seeded = time.perf_counter() - begin

    client, _token = logged_in_client(app, demo.ACCOUNTS[2])
    with app.app_context():
        sql = {name: SqlMeter(db.engine) for name in ("unit", "buildable", "recall")}

    def timed_page(name: str, path: str, expect: bytes) -> None:
        sql[name].counting = True
        answer = client.get(path)
        sql[name].counting = False
        assert answer.status_code == 200 and expect in answer.data, (path, answer.status_code)

    def unit_page() -> None:
        serial = rng.choice(serials)
        timed_page("unit", f"/u/{serial}", serial.encode())

    def buildable_page() -> None:
        timed_page("buildable", "/stock/buildable", b'class="card buildable"')

    def recall_page() -> None:
        code = rng.choice(drawn_lots)
        timed_page("recall", f"/lots/{code}", code.encode())

    unit_times, buildable_times, recall_times = timed_in_turns(
        args.requests, unit_page, buildable_page, recall_page
    )
    measured = args.requests + 20  # the warm-up runs the statements too
    ms = 1000
    unit_p95 = p95(unit_times)
    print(f"stock pages against the unit page, SQLite file in {folder}")
    print(
        "  database: "
        + ", ".join(f"{count} {name}" for name, count in totals.items())
        + f" (seeded in {seeded:.1f} s); lots that disagree with their ledger: {disagreeing}"
    )
    print(f"  {args.requests} requests each, Flask test client, logged in as the coordinator")
    for name, label, times in (
        ("unit", "unit page (GET /u/<serial>)            ", unit_times),
        ("buildable", "what can we build (GET /stock/buildable)", buildable_times),
        ("recall", "a lot's recall (GET /lots/<code>)      ", recall_times),
    ):
        meter = sql[name]
        print(
            f"  {label}: median {statistics.median(times) * ms:.2f} ms, "
            f"p95 {p95(times) * ms:.2f} ms; SQL {meter.statements / measured:.1f} statements, "
            f"{meter.seconds / measured * ms:.2f} ms in the driver"
        )
        if name != "unit":
            ratio = p95(times) / unit_p95
            verdict = "met" if ratio <= RATIO_TARGET else "NOT met"
            print(f"    p95 / unit page p95: {ratio:.2f} (target <= {RATIO_TARGET:.0f}: {verdict})")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
