"""What the workshop builds: drone types, their bill of materials and stage checklists."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model
from workshop.models.stock import Part
from workshop.workflow import Evidence


class DroneType(Model):
    __tablename__ = "drone_types"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    #: Serials are PREFIX-YEAR-NNNNN; digits and capital Latin letters only, so a
    #: scanner typing under a Ukrainian keyboard layout cannot garble it.
    prefix: so.Mapped[str] = so.mapped_column(sa.String(8), unique=True)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    #: What the receiving unit should know to keep the drone flying (batteries, propellers,
    #: video channel, before each flight); printed on every unit's passport.
    care_notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    bom: so.Mapped[list["BomItem"]] = so.relationship(
        back_populates="drone_type", order_by="BomItem.position", cascade="all, delete-orphan"
    )
    checklist: so.Mapped[list["ChecklistItem"]] = so.relationship(
        back_populates="drone_type",
        order_by="ChecklistItem.position",
        cascade="all, delete-orphan",
    )

    def checklist_for(self, stage: str) -> list["ChecklistItem"]:
        return [item for item in self.checklist if item.stage == stage]

    def __repr__(self) -> str:
        return f"<DroneType {self.prefix}>"


class BomItem(Model):
    """One line of a drone type's bill of materials: how many of a part one unit takes.

    A line names one part for good (a line for another part is another line), so what was
    recorded against it keeps its meaning; a part appears at most once in a bill.
    """

    __tablename__ = "bom_items"
    __table_args__ = (sa.UniqueConstraint("drone_type_id", "part_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    drone_type_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("drone_types.id"), index=True)
    part_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("parts.id"), index=True)
    quantity: so.Mapped[int] = so.mapped_column(default=1)
    position: so.Mapped[int] = so.mapped_column(default=0)

    drone_type: so.Mapped[DroneType] = so.relationship(back_populates="bom")
    # Joined whenever a line is loaded: every page that shows a line shows its part's name.
    part: so.Mapped[Part] = so.relationship(lazy="joined", innerjoin=True)

    @property
    def name(self) -> str:
        return self.part.name

    @property
    def tracked(self) -> bool:
        """Tracked parts get their serial recorded at kitting (recalls)."""
        return self.part.tracked


class ChecklistItem(Model):
    """One item of the checklist a volunteer ticks to finish a stage."""

    __tablename__ = "checklist_items"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    drone_type_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("drone_types.id"), index=True)
    stage: so.Mapped[str] = so.mapped_column(sa.String(16))
    text: so.Mapped[str] = so.mapped_column(sa.String(200))
    required: so.Mapped[bool] = so.mapped_column(default=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    #: A workflow.Evidence: what ticks the item by itself (a passing run, the parts scanned);
    #: None for an item a person ticks.
    evidence: so.Mapped[str | None] = so.mapped_column(sa.String(16))

    drone_type: so.Mapped[DroneType] = so.relationship(back_populates="checklist")

    @property
    def proved_by(self) -> Evidence | None:
        return Evidence(self.evidence) if self.evidence else None


class SerialCounter(Model):
    """The last serial number given per prefix and year: serials are never reused.

    Lot and place codes are numbered here too, under the prefixes L and P (one letter: no drone
    type's prefix is that short) and year 0, as their numbers run on across years.
    """

    __tablename__ = "serial_counters"

    prefix: so.Mapped[str] = so.mapped_column(sa.String(8), primary_key=True)
    year: so.Mapped[int] = so.mapped_column(primary_key=True)
    last: so.Mapped[int] = so.mapped_column(default=0)
