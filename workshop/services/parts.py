"""The parts catalogue: every part a bill of materials names, with its category, measure,
tracking and low-stock threshold. It grows out of the drone types' bills; the coordinator
completes it."""

import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import Part, User
from workshop.models.stock import MEASURES
from workshop.services import audit
from workshop.services.errors import Invalid, NotFound
from workshop.services.stock import MAX_QUANTITY
from workshop.validators import is_id

NAME_MAX = 120
CATEGORY_MAX = 60


def part_key(name: str) -> str:
    """What two names must share to be one part: case and spacing do not count."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


@dataclass(frozen=True)
class PartFields:
    """What the coordinator sets for a part."""

    name: str
    category: str = ""
    measure: str = "pcs"
    tracked: bool = False
    low_stock: int = 0


def all_parts() -> list[Part]:
    return list(db.session.scalars(sa.select(Part).order_by(Part.category, Part.key)))


def get_part(part_id: int) -> Part:
    part = db.session.get(Part, part_id) if is_id(part_id) else None
    if part is None:
        raise NotFound(_l("There is no such part."))
    return part


def find(name: str) -> Part | None:
    """The part with this name, in any case and spacing."""
    return db.session.scalar(sa.select(Part).where(Part.key == part_key(name)))


def _checked(fields: PartFields, part_id: int | None) -> PartFields:
    name = " ".join(fields.name.split())
    if not name or len(name) > NAME_MAX:
        raise Invalid(_l("A part needs a name of 1 to 120 characters."))
    category = " ".join(fields.category.split())
    if len(category) > CATEGORY_MAX:
        raise Invalid(_l("A category has at most 60 characters."))
    if fields.measure not in MEASURES:
        raise Invalid(_l("Choose the measure the part is counted in."))
    if not 0 <= fields.low_stock <= MAX_QUANTITY:
        raise Invalid(
            _l("Low stock: a whole number from 0 to %(high)d is needed.", high=MAX_QUANTITY)
        )
    clash = db.session.scalar(
        sa.select(Part.name).where(Part.key == part_key(name), Part.id != (part_id or 0))
    )
    if clash is not None:
        raise Invalid(_l("The catalogue already has the part “%(name)s”.", name=clash))
    return PartFields(name, category, fields.measure, fields.tracked, fields.low_stock)


def _snapshot(part: Part) -> dict[str, Any]:
    return {
        "name": part.name,
        "category": part.category,
        "measure": part.measure,
        "tracked": part.tracked,
        "low_stock": part.low_stock,
    }


def _new_part(fields: PartFields, actor: User | None) -> Part:
    part = Part(
        name=fields.name,
        key=part_key(fields.name),
        category=fields.category,
        measure=fields.measure,
        tracked=fields.tracked,
        low_stock=fields.low_stock,
    )
    db.session.add(part)
    db.session.flush()
    audit.record(actor, "part.create", "part", part.id, None, _snapshot(part))
    return part


def create_part(fields: PartFields, actor: User) -> Part:
    part = _new_part(_checked(fields, None), actor)
    db.session.commit()
    return part


def update_part(part_id: int, fields: PartFields, actor: User) -> Part:
    """Change a part; every bill naming it names it by the new name from now on."""
    part = get_part(part_id)
    fields = _checked(fields, part.id)
    before = _snapshot(part)
    part.name, part.key, part.category = fields.name, part_key(fields.name), fields.category
    part.measure, part.tracked, part.low_stock = fields.measure, fields.tracked, fields.low_stock
    audit.record(actor, "part.update", "part", part.id, before, _snapshot(part))
    db.session.commit()
    return part


def part_for_line(name: str, tracked: bool, actor: User | None) -> Part:
    """The part a bill-of-materials line names, added to the catalogue when it is new; the
    caller commits. A line must agree with the catalogue on tracking: a tracked part left
    untracked in one bill would slip out of recalls."""
    part = find(name)
    if part is None:
        return _new_part(_checked(PartFields(name=name, tracked=tracked), None), actor)
    if part.tracked and not tracked:
        raise Invalid(
            _l(
                "“%(name)s” is a tracked part in the parts catalogue: mark its line with *, "
                "or change the part in the catalogue.",
                name=part.name,
            )
        )
    if tracked and not part.tracked:
        raise Invalid(
            _l(
                "“%(name)s” is not tracked in the parts catalogue: take the * off its line, "
                "or change the part in the catalogue.",
                name=part.name,
            )
        )
    return part
