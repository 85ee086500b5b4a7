"""What a code scanned at kitting is for, decided from plain facts: no database, no Flask.

`services.kitting` reads the unit's kit and what the shelves know of the code, then asks
`decide`: a lot of a part the unit still needs is drawn from; a place gives the oldest lot of the
next part the unit still needs that lies there; a lot or place that cannot serve the unit is
refused with the reason; anything else (a tracked part's serial) is not a stock code.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from workshop.services.scan import Kind, ScanResult
from workshop.services.stock import LOT_CODE


@dataclass(frozen=True)
class ShelfLot:
    """A lot as the shelves know it."""

    id: int
    code: str
    part_id: int
    part_name: str
    quantity: int
    site_id: int
    site_name: str
    place_path: str


@dataclass(frozen=True)
class ShelfPlace:
    """A place, with the lots lying there that hold stock, oldest first."""

    code: str
    path: str
    site_id: int
    lots: tuple[ShelfLot, ...] = ()


@dataclass(frozen=True)
class KitLine:
    """One line of the unit's bill of materials and how many of it are still to draw."""

    bom_item_id: int
    part_id: int
    name: str
    quantity: int
    missing: int


@dataclass(frozen=True)
class KittingState:
    """The unit's kit, and what the shelves know of the code scanned (by the code's key)."""

    type_name: str
    site_id: int | None
    site_name: str | None
    #: Every line of the unit's bill, in the bill's order.
    lines: tuple[KitLine, ...]
    lots: Mapping[str, ShelfLot] = field(default_factory=dict)
    places: Mapping[str, ShelfPlace] = field(default_factory=dict)

    def line_for(self, part_id: int) -> KitLine | None:
        return next((line for line in self.lines if line.part_id == part_id), None)


@dataclass(frozen=True)
class Draw:
    """Draw `quantity` from `lot` for `line`: what the line still needs, as far as the lot goes."""

    lot: ShelfLot
    line: KitLine
    quantity: int


@dataclass(frozen=True)
class Refusal:
    """A stock code that cannot serve this unit; `reason` names why, `params` fill the sentence."""

    reason: str
    params: Mapping[str, str | int] = field(default_factory=dict)


def decide(scanned: ScanResult, state: KittingState) -> Draw | Refusal | None:
    """What the scanned code is for at this unit's kitting; None when it is no stock code."""
    if scanned.kind is Kind.LOT:
        return _lot(scanned.key, state)
    if scanned.kind in (Kind.PLACE, Kind.BIN):
        return _place(scanned, state)
    return None


def _lot(code: str, state: KittingState) -> Draw | Refusal | None:
    lot = state.lots.get(code)
    if lot is None:
        # A code of the app's own form names a lot that is not there; any other code on a lot
        # label was printed before the workshop kept stock: a tracked part's lot code, as then.
        return Refusal("unknown_lot", {"code": code}) if LOT_CODE.match(code) else None
    line = state.line_for(lot.part_id)
    if line is None:
        return Refusal(
            "not_used", {"code": lot.code, "part": lot.part_name, "type": state.type_name}
        )
    if line.missing <= 0:
        return Refusal("line_complete", {"quantity": line.quantity, "part": line.name})
    if lot.quantity <= 0:
        return Refusal("lot_empty", {"code": lot.code})
    if state.site_id is not None and lot.site_id != state.site_id:
        return Refusal(
            "other_site",
            {"code": lot.code, "site": lot.site_name, "unit_site": state.site_name or ""},
        )
    return Draw(lot, line, min(line.missing, lot.quantity))


def _place(scanned: ScanResult, state: KittingState) -> Draw | Refusal:
    place = state.places.get(scanned.key)
    if place is None:
        unknown = "unknown_bin" if scanned.kind is Kind.BIN else "unknown_place"
        return Refusal(unknown, {"code": scanned.key})
    if state.site_id is not None and place.site_id != state.site_id:
        return Refusal("place_other_site", {"path": place.path, "unit_site": state.site_name or ""})
    for line in state.lines:  # in the bill's order: the next part the unit still needs
        if line.missing <= 0:
            continue
        lot = next(
            (lot for lot in place.lots if lot.part_id == line.part_id and lot.quantity), None
        )
        if lot is not None:
            return Draw(lot, line, min(line.missing, lot.quantity))
    return Refusal("nothing_needed", {"path": place.path})
