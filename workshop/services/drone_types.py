"""What the coordinator defines: drone types, their bill of materials and stage checklists."""

import re
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import BomItem, ChecklistItem, DroneType, LedgerEntry, Unit, UnitPart, User
from workshop.services import audit, parts
from workshop.services.errors import Invalid, NotFound
from workshop.workflow import EVIDENCE_STAGE, WORK_STAGES, Evidence

#: Digits and capital Latin letters only: safe under any scanner keyboard layout.
PREFIX = re.compile(r"^[A-Z0-9]{2,8}$")
#: The most of one part a drone takes (screws included).
QUANTITY_MAX = 999
#: `4 x Motor 2807`: a number (signed or not, whole or not, to refuse what is not a quantity),
#: an x (Latin, Cyrillic or the multiplication sign) and the part.
COUNTED_LINE = re.compile(r"^([-+−]?)\s*(\d+(?:[.,]\d+)?)\s*[xх×]\s*(.+)$", re.IGNORECASE)
#: Care notes fit on the passport's A5 page beside everything else.
CARE_NOTES_MAX = 1500


@dataclass(frozen=True)
class BomLine:
    name: str
    quantity: int = 1
    tracked: bool = False


@dataclass(frozen=True)
class ChecklistLine:
    stage: str
    text: str
    required: bool = True
    evidence: Evidence | None = None


#: The mark at the end of a checklist line that ties the item to evidence: Latin letters, so a
#: coordinator types them the same in any interface language.
EVIDENCE_MARKS: dict[str, Evidence] = {
    "#parts": Evidence.PARTS_SCANNED,
    "#reading": Evidence.FC_READ,
    "#golden": Evidence.GOLDEN_APPLIED,
    "#bench": Evidence.BENCH_PASSED,
    "#motors": Evidence.MOTORS_CHECKED,
}
MARK_OF = {evidence: mark for mark, evidence in EVIDENCE_MARKS.items()}


def active_types() -> list[DroneType]:
    return list(
        db.session.scalars(sa.select(DroneType).where(DroneType.active).order_by(DroneType.name))
    )


def all_types() -> list[DroneType]:
    """Every drone type with its bill of materials (the list shows its size)."""
    return list(
        db.session.scalars(
            sa.select(DroneType).options(so.selectinload(DroneType.bom)).order_by(DroneType.name)
        )
    )


def get_type(type_id: int) -> DroneType:
    drone_type = db.session.get(DroneType, type_id)
    if drone_type is None:
        raise NotFound(_l("There is no such drone type."))
    return drone_type


def parse_bom(text: str) -> list[BomLine]:
    """One part a line: `quantity x name`, a trailing `*` marks it tracked; without a quantity,
    one. A line that starts with a number and an x means a quantity: a negative, fractional or
    absurd one is refused, never taken into the part's name."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        tracked = line.endswith("*")
        line = line.rstrip("*").strip()
        quantity, name = 1, line
        if match := COUNTED_LINE.match(line):
            sign, count, name = match.group(1), match.group(2), match.group(3).strip()
            if sign or not count.isdigit() or not 1 <= int(count) <= QUANTITY_MAX:
                raise Invalid(
                    _l(
                        "Bill of materials, line %(number)d: the quantity is a whole number "
                        "from 1 to %(max)d.",
                        number=number,
                        max=QUANTITY_MAX,
                    )
                )
            quantity = int(count)
        if not name or len(name) > parts.NAME_MAX:
            raise Invalid(
                _l("Bill of materials, line %(number)d is not “quantity x part”.", number=number)
            )
        lines.append(BomLine(name=name, quantity=quantity, tracked=tracked))
    return lines


def parse_checklist(stage: str, text: str) -> list[ChecklistLine]:
    """One item a line; a leading `?` marks it optional, a trailing mark (`#bench`, ...) ties
    it to the evidence that ticks it."""
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        optional = line.startswith("?")
        line = line.lstrip("?").strip()
        words = line.rsplit(maxsplit=1)
        proof = EVIDENCE_MARKS.get(words[-1].lower()) if len(words) == 2 else None
        if proof is not None:
            if EVIDENCE_STAGE[proof].value != stage:
                raise Invalid(
                    _l(
                        "“%(mark)s” cannot prove an item of this checklist: %(item)s",
                        mark=MARK_OF[proof],
                        item=words[0],
                    )
                )
            line = words[0]
        if len(line) > 200:
            raise Invalid(_l("A checklist item is at most 200 characters."))
        lines.append(ChecklistLine(stage=stage, text=line, required=not optional, evidence=proof))
    return lines


def parse_checklists(form_texts: dict[str, str]) -> list[ChecklistLine]:
    """Every work stage's checklist from its text (keyed by stage value), in stage order."""
    return [
        line
        for stage in WORK_STAGES
        for line in parse_checklist(stage.value, form_texts.get(stage.value) or "")
    ]


def render_bom(drone_type: DroneType) -> str:
    return "\n".join(f"{i.quantity} x {i.name}{' *' if i.tracked else ''}" for i in drone_type.bom)


def render_checklist(drone_type: DroneType, stage: str) -> str:
    return "\n".join(
        f"{'' if i.required else '? '}{i.text}{f' {MARK_OF[i.proved_by]}' if i.proved_by else ''}"
        for i in drone_type.checklist_for(stage)
    )


def render_checklists(drone_type: DroneType) -> dict[str, str]:
    """Every work stage's checklist as the text `parse_checklists` reads, keyed by stage."""
    return {stage.value: render_checklist(drone_type, stage.value) for stage in WORK_STAGES}


def _snapshot(drone_type: DroneType) -> dict:
    return {
        "name": drone_type.name,
        "prefix": drone_type.prefix,
        "active": drone_type.active,
        "bom": render_bom(drone_type),
        "checklists": render_checklists(drone_type),
        "care_notes": drone_type.care_notes,
    }


def save_type(
    type_id: int | None,
    name: str,
    prefix: str,
    active: bool,
    bom: list[BomLine],
    checklists: list[ChecklistLine],
    actor: User | None,
    care_notes: str = "",
) -> DroneType:
    """Create or replace a drone type's definition; units already built keep their records."""
    name, prefix = name.strip(), prefix.strip().upper()
    care_notes = "\n".join(line.rstrip() for line in care_notes.strip().splitlines())
    if not name or len(name) > 80:
        raise Invalid(_l("A drone type needs a name of at most 80 characters."))
    if len(care_notes) > CARE_NOTES_MAX:
        raise Invalid(_l("The care notes are at most %(count)d characters.", count=CARE_NOTES_MAX))
    if not PREFIX.match(prefix):
        raise Invalid(_l("The serial prefix is 2 to 8 capital Latin letters or digits."))
    clash = db.session.scalar(
        sa.select(DroneType).where(
            sa.or_(DroneType.name == name, DroneType.prefix == prefix),
            DroneType.id != (type_id or 0),
        )
    )
    if clash:
        raise Invalid(_l("Another drone type already uses this name or prefix."))
    if type_id is None:
        drone_type, before = DroneType(name=name, prefix=prefix), None
        db.session.add(drone_type)
    else:
        drone_type = get_type(type_id)
        before = _snapshot(drone_type)
        if drone_type.prefix != prefix and _has_units(drone_type):
            raise Invalid(_l("The prefix cannot change once units have serials with it."))
    try:
        drone_type.name, drone_type.prefix, drone_type.active = name, prefix, active
        drone_type.care_notes = care_notes
        _replace_bom(drone_type, bom, actor)
        _replace_checklists(drone_type, checklists)
        db.session.flush()
    except Invalid:
        db.session.rollback()  # nothing of a refused edit may reach the database
        raise
    action = "drone_type.create" if before is None else "drone_type.update"
    audit.record(actor, action, "drone_type", drone_type.id, before, _snapshot(drone_type))
    db.session.commit()
    return drone_type


def _replace_bom(drone_type: DroneType, bom: list[BomLine], actor: User | None) -> None:
    """Keep the rows of parts that stay (recorded part codes and draws point at them), add and
    drop others; a part new to the catalogue joins it."""
    existing = {item.part_id: item for item in drone_type.bom}
    kept: list[BomItem] = []
    named: set[int] = set()
    for position, line in enumerate(bom):
        part = parts.part_for_line(line.name, line.tracked, actor)
        if part.id in named:
            raise Invalid(
                _l("“%(name)s” is listed twice in the bill of materials.", name=part.name)
            )
        named.add(part.id)
        item = existing.pop(part.id, None) or BomItem(part=part)
        item.quantity, item.position = line.quantity, position
        kept.append(item)
    for item in existing.values():
        if _bom_item_used(item):
            raise Invalid(
                _l("“%(name)s” is recorded on built units and cannot be removed.", name=item.name)
            )
    drone_type.bom = kept


def _replace_checklists(drone_type: DroneType, checklists: list[ChecklistLine]) -> None:
    """Keep the rows of items whose stage and words stay, so a checklist open on a tablet
    during the edit still names the same items when it is sent."""
    existing = {(item.stage, item.text): item for item in drone_type.checklist}
    kept = []
    for position, line in enumerate(checklists):
        item = existing.pop((line.stage, line.text), None) or ChecklistItem(
            stage=line.stage, text=line.text
        )
        item.required, item.position = line.required, position
        item.evidence = line.evidence.value if line.evidence else None
        kept.append(item)
    drone_type.checklist = kept


def _has_units(drone_type: DroneType) -> bool:
    return (
        db.session.execute(
            sa.select(sa.func.count(Unit.id)).where(Unit.drone_type_id == drone_type.id)
        ).scalar_one()
        > 0
    )


def _bom_item_used(item: BomItem) -> bool:
    """A line some unit recorded a part code or drew stock against."""
    if item.id is None:
        return False
    return bool(
        db.session.scalar(
            sa.select(
                sa.or_(
                    sa.exists().where(UnitPart.bom_item_id == item.id),
                    sa.exists().where(LedgerEntry.bom_item_id == item.id),
                )
            )
        )
    )
