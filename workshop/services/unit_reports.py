"""Units as plain data for the JSON API."""

from typing import Any

import sqlalchemy as sa

from workshop.extensions import db
from workshop.models import DroneType, Unit
from workshop.services import traveler, units


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


def unit_detail(serial: str) -> dict[str, Any]:
    unit = units.get_unit(serial)
    return _summary(unit, unit.drone_type.name) | {
        "created_at": unit.created_at.isoformat(),
        "version": unit.version,
        "parts": [{"part": p.bom_item.name, "code": p.code} for p in unit.parts],
        "history": [
            {
                "at": entry.at.isoformat(),
                "who": entry.who,
                "action": entry.action,
                "before": entry.before,
                "after": entry.after,
            }
            for entry in traveler.history(unit)
        ],
    }
