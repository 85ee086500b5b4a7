"""A code scanned while a unit is at kitting, and what it is for.

One decision for every code scanned or typed at kitting: another unit's label, a bin label or a
badge opens as it would anywhere; any other code belongs to a tracked part of the unit. Today
that is the next tracked part without a code; the stock ledger will match a lot label to its
bill-of-materials line here (`line_for`).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from workshop.models import BomItem, Unit, UnitPart, User
from workshop.services import scan, units
from workshop.services.errors import Invalid, NotFound
from workshop.services.scan import Kind, ScanResult


@dataclass(frozen=True)
class KittingScan:
    """What a scan at kitting did: recorded a part, or names something to open instead."""

    part: UnitPart | None = None
    opens: ScanResult | None = None


def next_empty_line(unit: Unit) -> BomItem | None:
    """The first tracked part of the unit's bill of materials with no code in the unit yet."""
    recorded = {p.bom_item_id for p in unit.parts if p.in_unit}
    return next((i for i in unit.drone_type.bom if i.tracked and i.id not in recorded), None)


def line_for(unit: Unit, code: str) -> BomItem:
    """The bill-of-materials line a part's code scanned at kitting is for."""
    line = next_empty_line(unit)
    if line is None:
        raise Invalid(
            _l(
                "Every tracked part already has its code. To replace one, remove it first, "
                "then scan again."
            )
        )
    return line


def _named(raw: str) -> ScanResult | None:
    """What a code names by its form alone (a label's kind and key); None for a part's code."""
    try:
        return scan.parse_repaired(raw)
    except Invalid:
        return None


def scanned(
    unit: Unit, raw: str, actor: User, version: int, line_id: int | None = None
) -> KittingScan:
    """Record what was scanned or typed at kitting where it belongs, or say what it opens.

    `line_id` names the part when the person chose it; otherwise the code decides.
    """
    named = _named(raw) if line_id is None else None
    if named is not None and named.kind is not Kind.LOT:
        if named.kind is Kind.UNIT and named.key == unit.serial:
            raise Invalid(_l("That is this unit's own label. Scan the codes of its parts."))
        try:
            return KittingScan(opens=scan.resolve(raw))
        except NotFound:
            if named.kind is not Kind.UNIT:
                raise
            named = None  # shaped like a serial, but no unit has it: a part's own code
    code = named.key if named else raw  # a lot label's code, or the code as it came
    target = line_id if line_id is not None else line_for(unit, code).id
    return KittingScan(part=units.record_part(unit, target, code, actor, version))
