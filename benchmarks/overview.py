"""The overview and the metrics API against the unit page, on a full-sized database. Prints;
asserts nothing.

    python benchmarks/overview.py [--units 20000] [--events 200000] [--requests 200]
                                  [--keep DIR]

Seeds a SQLite file as `scan_to_page.py` does (the demo accounts and drone types, then --units
units over the stages with their stage records, tracked parts and --events audit events, in
bulk through SQLAlchemy Core), and adds what the figures read, as the services would have
written it: each unit's stays at the stages it has passed (`stage_visits`, one in twelve
soldering or bench tests failed and redone), the sign-off of each unit past review and the
handover of each delivered one. Then, logged in as the demo volunteer through the Flask test
client, it makes --requests rounds of:
- the unit page: GET /u/<serial> of a random unit (the reference);
- the overview: GET /overview/ (the board, the output, the units on hold);
- the metrics API for a year: GET /api/metrics?from=2026-01-01&to=2026-12-31;
- for scale, a chart for a year: GET /overview/charts/stage-times?from=...&to=....
The kinds alternate, so load from other processes falls on all of them. Prints the median and
p95 of each and the ratios of the p95s against the target: the overview and the API each at
most 3 times the unit page's p95.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import sqlalchemy as sa
from flask_migrate import upgrade

from benchmarks.scan_to_page import (
    ORDER,
    command_line,
    insert_in_batches,
    logged_in_client,
    p95,
    seed,
    timed_in_turns,
)
from workshop import create_app
from workshop.extensions import db
from workshop.models import AuditEvent, Delivery, Review, StageVisit, Unit, User
from workshop.services import demo
from workshop.workflow import Stage

RATIO_TARGET = 3.0
YEAR_SPAN = "from=2026-01-01&to=2026-12-31"
#: Hours a seeded unit spends at each stage it has passed.
STAY_HOURS = 3
#: One in this many soldering or bench-test visits fails and is redone.
FAIL_ONE_IN = 12
FAILS_AT = {Stage.SOLDERING: "cold_joint", Stage.BENCH_TEST: "failed_bench_test"}


def seed_timelines(rng: random.Random) -> int:
    """Stays, sign-offs and handovers for the seeded units; returns the stays written."""
    people = list(db.session.scalars(sa.select(User.id)))
    visits: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    deliveries: list[dict[str, Any]] = []
    units = db.session.execute(sa.select(Unit.id, Unit.stage, Unit.created_at)).all()
    for unit_id, stage, created_at in units:
        moment = created_at
        for passed in ORDER[: ORDER.index(Stage(stage))]:
            rework = False
            if passed in FAILS_AT and rng.randrange(FAIL_ONE_IN) == 0:
                left = moment + timedelta(hours=STAY_HOURS)
                visits.append(
                    _stay(unit_id, passed, moment, left, "fail", FAILS_AT[passed], passed, True)
                )
                moment, rework = left, True
            left = moment + timedelta(hours=STAY_HOURS)
            following = ORDER[ORDER.index(passed) + 1]
            outcome = {Stage.REVIEW: "approve", Stage.APPROVED: "deliver"}.get(passed, "finish")
            visits.append(
                _stay(unit_id, passed, moment, left, outcome, None, following, not rework, rework)
            )
            if passed is Stage.REVIEW:
                reviews.append(
                    {
                        "unit_id": unit_id,
                        "reviewer_id": rng.choice(people),
                        "decision": "approved",
                        "note": "",
                        "at": left,
                    }
                )
            if passed is Stage.APPROVED:
                deliveries.append(
                    {
                        "unit_id": unit_id,
                        "receiver_code": f"BRAVO-{rng.randrange(40)}",
                        "delivered_on": left.date(),
                        "handed_over_by_id": rng.choice(people),
                        "recorded_at": left,
                    }
                )
            moment = left
    with db.engine.begin() as connection:
        insert_in_batches(connection, StageVisit.__table__, visits)
        insert_in_batches(connection, Review.__table__, reviews)
        insert_in_batches(connection, Delivery.__table__, deliveries)
        connection.exec_driver_sql("ANALYZE")
    return len(visits)


def _stay(
    unit_id: int,
    stage: Stage,
    entered: Any,
    left: Any,
    outcome: str,
    reason: str | None,
    to_stage: Stage,
    first: bool,
    rework: bool = False,
) -> dict[str, Any]:
    return {
        "unit_id": unit_id,
        "stage": stage.value,
        "status": "active",
        "rework": rework,
        "repair": False,
        "first": first,
        "arrived_at": entered,
        "entered_at": entered,
        "left_at": left,
        "outcome": outcome,
        "reason": reason,
        "to_stage": to_stage.value,
    }


def main() -> None:
    command_line(__doc__, run, requests=200, prefix="bench-overview-")


def run(folder: str, args: argparse.Namespace, rng: random.Random) -> None:
    os.environ["WORKSHOP_INSTANCE_PATH"] = folder
    app = create_app({"SECRET_KEY": "bench"})
    begin = time.perf_counter()
    with app.app_context():  # seeding only: every request below gets its own context
        upgrade()
        if demo.is_empty():
            serials = seed(args.units, args.events, rng)
            seed_timelines(rng)
        else:  # --keep DIR seeded by an earlier run
            serials = list(db.session.scalars(sa.select(Unit.serial)))
        totals = {
            name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for name, model in (
                ("units", Unit),
                ("audit events", AuditEvent),
                ("stays", StageVisit),
                ("handovers", Delivery),
            )
        }
        db.session.remove()
    seeded = time.perf_counter() - begin
    client, _token = logged_in_client(app)

    def get(path: str, expect: bytes) -> None:
        answer = client.get(path)
        assert answer.status_code == 200 and expect in answer.data, (path, answer.status_code)

    def unit_page() -> None:
        get(f"/u/{rng.choice(serials)}", b'<h1 class="serial">')

    def overview() -> None:
        get("/overview/", b'class="board"')

    def metrics() -> None:
        get(f"/api/metrics?{YEAR_SPAN}", b'"wip"')

    def chart() -> None:
        get(f"/overview/charts/stage-times?{YEAR_SPAN}", b"<svg")

    unit_times, overview_times, metrics_times, chart_times = timed_in_turns(
        args.requests, unit_page, overview, metrics, chart
    )
    ms = 1000
    print(f"overview and /api/metrics against the unit page, SQLite file in {folder}")
    print(
        f"  database: {totals['units']} units, {totals['audit events']} audit events, "
        f"{totals['stays']} stays at stages, {totals['handovers']} handovers "
        f"(seeded in {seeded:.1f} s)"
    )
    print(f"  {args.requests} requests each, Flask test client, logged in as a volunteer")
    unit_p95 = p95(unit_times)
    rows = (
        ("unit page (GET /u/<serial>)", unit_times),
        ("overview (GET /overview/)", overview_times),
        (f"metrics API for a year (GET /api/metrics?{YEAR_SPAN})", metrics_times),
        ("for scale, a chart for a year (stage-times)", chart_times),
    )
    for name, times in rows:
        print(
            f"  {name}: median {statistics.median(times) * ms:.1f} ms, "
            f"p95 {p95(times) * ms:.1f} ms, {p95(times) / unit_p95:.2f} x the unit page's p95"
        )
    for name, times in rows[1:3]:
        ratio = p95(times) / unit_p95
        verdict = "met" if ratio <= RATIO_TARGET else "NOT met"
        print(f"  {name.split(' (')[0]}: target p95 <= {RATIO_TARGET:.0f} x unit page: {verdict}")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
