"""Units as plain data for the JSON API."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop import workflow
from workshop.extensions import db
from workshop.models import BenchRun, DroneType, Unit, UnitPart
from workshop.models.timestamps import as_utc
from workshop.services import bench_runs, traveler, units


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC with its offset ("+00:00") on every database."""
    return as_utc(moment).isoformat()


def _summary(unit: Unit, type_name: str) -> dict[str, Any]:
    return {
        "serial": unit.serial,
        "type": type_name,
        "stage": unit.stage,
        "status": unit.status,
        "rework": unit.rework,
    }


def list_units(stage: str | None) -> list[dict[str, Any]]:
    query = sa.select(Unit, DroneType.name).join(DroneType).order_by(Unit.id)
    if stage:
        query = query.where(Unit.stage == stage)
    return [_summary(unit, name) for unit, name in db.session.execute(query)]


def run_summary(run: BenchRun) -> dict[str, Any]:
    """One flight-controller run as tools see it: when, where, the verdict, every measurement."""
    return {
        "id": run.id,
        "at": utc_iso(run.at),
        "kind": run.kind,
        "station": run.station.name if run.station else None,
        "by": run.user.name if run.user else None,
        "verdict": run.verdict,
        "reason": run.reason,
        "board": run.board_uid,
        "board_conflict": run.conflict is not None,
        "measurements": [
            {
                "name": m.name,
                "value": m.value,
                "unit": m.unit,
                "limit": m.limit,
                "passed": m.passed,
                "detail": m.detail,
            }
            for m in run.measurements
        ],
    }


def unit_detail(serial: str) -> dict[str, Any]:
    unit = units.get_unit(
        serial,
        so.joinedload(Unit.drone_type),
        so.selectinload(Unit.parts).joinedload(UnitPart.bom_item),
        so.selectinload(Unit.deliveries),
        so.selectinload(Unit.returns),
    )
    field_status = workflow.field_status(unit.state, handed_over=bool(unit.deliveries))
    return _summary(unit, unit.drone_type.name) | {
        "created_at": utc_iso(unit.created_at),
        "version": unit.version,
        "parts": [
            {"part": p.bom_item.name, "code": p.code, "in_unit": p.in_unit} for p in unit.parts
        ],
        "history": [
            {
                "at": utc_iso(entry.at),
                "who": entry.who,
                "action": entry.action,
                "before": entry.before,
                "after": entry.after,
            }
            for entry in traveler.history(unit)
        ],
        "field_status": None if field_status is None else field_status.value,
        "returns": [
            {"date": back.returned_on.isoformat(), "reason": back.reason, "outcome": back.outcome}
            for back in unit.returns
        ],
        "fc_uid": board.uid if (board := bench_runs.bound_board(unit)) else None,
        "bench_runs": [run_summary(run) for run in bench_runs.runs_for(unit)],
    }
