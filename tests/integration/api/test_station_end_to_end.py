"""A bench station end to end: `python -m firmware_checks check --post` in its own process,
the app served on a real socket, a simulated flight controller on another."""

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from firmware_checks.simulator import SimulatorServer, uid_for
from tests.helpers import board_uid, make_unit, make_user, reload, required_ids
from workshop.extensions import db
from workshop.models import BenchRun
from workshop.services import stations
from workshop.services.stages import StageInput, finish_stage
from workshop.workflow import Role, Stage

REPO = Path(__file__).resolve().parents[3]


def _station(port_url: str, serial: str, base: str, token: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "FIRMWARE_CHECKS_TOKEN"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "firmware_checks",
            "check",
            port_url,
            "--unit",
            serial,
            "--post",
            base,
            "--token",
            token,
        ],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _finish(unit, who) -> None:
    unit = reload(unit)
    finish_stage(unit, who, StageInput(version=unit.version, checked=required_ids(unit)))


def _runs(unit) -> list[BenchRun]:
    db.session.expire_all()  # what the served app committed
    return list(
        db.session.scalars(
            sa.select(BenchRun).where(BenchRun.unit_id == unit.id).order_by(BenchRun.id)
        )
    )


def test_a_station_reads_flashing_and_bench_test_and_the_unit_finishes_on_them(app, served):
    volunteer = make_user()
    unit = make_unit(builder=volunteer, at=Stage.FLASHING)
    _row, token = stations.create_token("Bench 4 Pi", make_user(Role.ADMIN))
    board = SimulatorServer(
        "127.0.0.1", 0, "healthy", boot_time=0.05, uid=uid_for(unit.serial)
    ).start()
    try:
        reading = _station(board.url, unit.serial, served, token)
        assert reading.returncode == 0, reading.stderr
        assert f"of unit {unit.serial}" in reading.stderr
        _finish(unit, volunteer)
        bench = _station(board.url, unit.serial, served, token)
        assert bench.returncode == 0, bench.stderr
    finally:
        board.stop()
    runs = _runs(unit)
    assert [(r.kind, r.verdict, r.station.name, r.user_id) for r in runs] == [
        ("identity", "pass", "Bench 4 Pi", None),
        ("bench", "pass", "Bench 4 Pi", None),
    ]
    assert {r.board_uid for r in runs} == {board_uid(unit.serial)}
    _finish(unit, volunteer)
    assert reload(unit).stage == "review"


def test_a_revoked_token_is_told_and_nothing_is_recorded(app, served):
    unit = make_unit(at=Stage.FLASHING)
    row, token = stations.create_token("Old laptop", None)
    stations.revoke(row.id, make_user(Role.ADMIN))
    board = SimulatorServer("127.0.0.1", 0, "healthy", boot_time=0.05).start()
    try:
        answer = _station(board.url, unit.serial, served, token)
    finally:
        board.stop()
    assert answer.returncode == 2
    assert "401" in answer.stderr
    assert _runs(unit) == []
