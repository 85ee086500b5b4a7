"""Parts on the shelf: the parts catalogue, sites and their places, lots, and the stock ledger.

Every part that enters the workshop is a lot lying in a place; every movement of stock is a row
of the ledger, and a lot's quantity is the sum of its ledger rows (kept on the lot as a cached
figure that `flask verify-stock` checks). Quantities are whole numbers in the part's measure.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model
from workshop.models.people import User
from workshop.models.timestamps import utcnow

if TYPE_CHECKING:
    from workshop.models.catalog import BomItem
    from workshop.models.units import Unit

#: Whole-number measures a part is counted in: pieces, or centimetres of wire, grams of solder,
#: millilitres of glue.
MEASURES = ("pcs", "cm", "g", "ml")
#: Where a lot came from; the source code says which donor or supplier (never a person).
SOURCES = ("donation", "purchase", "salvage", "other")
CURRENCIES = ("UAH", "EUR", "USD", "PLN")


class EntryKind(StrEnum):
    """What one ledger row records."""

    RECEIVE = "receive"
    #: Into a unit at kitting; without a lot when the shelf held what the app did not know of.
    DRAW = "draw"
    #: Out of a unit, back to the lot it came from.
    RETURN = "return"
    #: Thrown away: damaged on the shelf (from the lot) or taken out of a unit.
    WASTE = "waste"
    MOVE = "move"
    #: A count that differed from the books (stocktake).
    ADJUST = "adjust"
    #: Good parts of a scrapped unit, into a salvage lot.
    SALVAGE = "salvage"


class Part(Model):
    """A kind of part the workshop keeps: what a bill-of-materials line names."""

    __tablename__ = "parts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    #: The name as compared: "Мотор 2807" and " мотор  2807" are one part.
    key: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    category: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    #: One of MEASURES.
    measure: so.Mapped[str] = so.mapped_column(sa.String(8), default="pcs")
    #: Each piece carries a serial number, scanned into the unit at kitting (recalls).
    tracked: so.Mapped[bool] = so.mapped_column(default=False)
    #: Below this quantity on hand the part stands on the coordinator's start page; 0: never.
    low_stock: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<Part {self.name}>"


class Site(Model):
    """A warehouse or a workshop of the network; it holds places."""

    __tablename__ = "sites"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<Site {self.name}>"


class Place(Model):
    """A shelf, a bin or a box of a site; places form a tree under the site."""

    __tablename__ = "places"
    # What a lot's (place, site) pair points at: a lot's site is its place's, in the database.
    __table_args__ = (sa.UniqueConstraint("id", "site_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    site_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("sites.id"), index=True)
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("places.id"))
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    #: The site's name and the names down the tree, "Kyiv workshop/Shelf 3/Box 2": unique, kept
    #: in step when a name above changes (import and the API name places by it).
    path: so.Mapped[str] = so.mapped_column(sa.String(300), unique=True)
    #: What the place's label holds, P-000045: digits and capital Latin letters only.
    code: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    #: The number on a bin label printed before places existed, which now names this place.
    bin_number: so.Mapped[int | None] = so.mapped_column(unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    site: so.Mapped[Site] = so.relationship()
    parent: so.Mapped["Place | None"] = so.relationship(remote_side=[id])

    @property
    def depth(self) -> int:
        """How far down the site's tree: 0 for a place right under the site."""
        return self.path.count("/") - 1

    def __repr__(self) -> str:
        return f"<Place {self.code} {self.path}>"


class Lot(Model):
    """Pieces of one part that came in together, lying in one place."""

    __tablename__ = "lots"
    __table_args__ = (
        sa.CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        sa.ForeignKeyConstraint(
            ["place_id", "site_id"], ["places.id", "places.site_id"], name="fk_lots_place_site"
        ),
        # What is on hand per part and site is read from this index alone, in its order: what
        # can be built sums 50,000 lots by scanning it (benchmarks/stock_pages.py).
        sa.Index("ix_lots_part_site_quantity", "part_id", "site_id", "quantity"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: What the lot's label holds: L-000123 when the app made it, or a code brought in by an
    #: import; digits, capital Latin letters and hyphens only.
    code: so.Mapped[str] = so.mapped_column(sa.String(24), unique=True)
    part_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("parts.id"))
    place_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("places.id"), index=True)
    #: The site of the place, kept beside it (set with the place, checked by the database).
    site_id: so.Mapped[int]
    #: The lot as received, when this one was split from it by a move; a recall covers them all.
    origin_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("lots.id"), index=True)
    #: The sum of the lot's ledger rows, kept here so a draw can check and take it in one
    #: conditional UPDATE; the database refuses it below zero.
    quantity: so.Mapped[int] = so.mapped_column(default=0)
    #: One of SOURCES, and the donor's or supplier's code.
    source: so.Mapped[str] = so.mapped_column(sa.String(12))
    source_code: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    received_on: so.Mapped[date] = so.mapped_column(sa.Date)
    #: What the received quantity cost, when known, in one of CURRENCIES.
    cost: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(12, 2))
    currency: so.Mapped[str | None] = so.mapped_column(sa.String(3))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: None when `flask import-stock` brought it in.
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    part: so.Mapped[Part] = so.relationship()
    place: so.Mapped[Place] = so.relationship(foreign_keys=[place_id])
    origin: so.Mapped["Lot | None"] = so.relationship(remote_side=[id])
    created_by: so.Mapped[User | None] = so.relationship()

    @so.validates("place")
    def _site_of_place(self, _key: str, place: Place) -> Place:
        self.site_id = place.site_id
        return place

    @property
    def origin_key(self) -> int:
        """The id of the lot as received: its own, or the one it was split from."""
        return self.origin_id or self.id

    def __repr__(self) -> str:
        return f"<Lot {self.code} {self.quantity}>"


class LedgerEntry(Model):
    """One movement of stock, never edited: what moved, how many, by whom, for which unit.

    `lot_change` is what the movement did to its lot's quantity, `unit_change` what it did to
    the quantity of the part in the unit (a draw: -3 and +3; a part taken out of a unit to
    waste: 0 and -1). A draw without a lot has no lot: it is a stock discrepancy, shown to the
    coordinator until one settles it.
    """

    __tablename__ = "stock_ledger"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    kind: so.Mapped[str] = so.mapped_column(sa.String(12))
    part_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("parts.id"), index=True)
    lot_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("lots.id"), index=True)
    lot_change: so.Mapped[int] = so.mapped_column(default=0)
    #: Where the lot lies after the movement (for a move, where it went).
    place_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("places.id"))
    #: The other lot of a move that split a lot in two.
    related_lot_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("lots.id"))
    unit_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    bom_item_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("bom_items.id"))
    unit_change: so.Mapped[int] = so.mapped_column(default=0)
    reason: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: None when `flask import-stock` wrote it.
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: A draw without a lot, once the coordinator has looked into it.
    settled_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    settled_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    part: so.Mapped[Part] = so.relationship()
    lot: so.Mapped[Lot | None] = so.relationship(foreign_keys=[lot_id])
    place: so.Mapped[Place | None] = so.relationship()
    unit: so.Mapped["Unit | None"] = so.relationship()
    bom_item: so.Mapped["BomItem | None"] = so.relationship()
    user: so.Mapped[User | None] = so.relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<LedgerEntry {self.kind} {self.lot_change}/{self.unit_change}>"
