"""What a code scanned at kitting is for, decided from plain facts (services.kitting_scan)."""

import pytest

from workshop.services.kitting_scan import (
    Draw,
    KitLine,
    KittingState,
    Refusal,
    ShelfLot,
    ShelfPlace,
    decide,
)
from workshop.services.scan import Kind, ScanResult

WORKSHOP, WAREHOUSE = 1, 2
FRAME, MOTOR, ESC, CAMERA = 10, 11, 12, 13


def lot(code: str, part: int, quantity: int, site: int = WORKSHOP, lot_id: int = 0) -> ShelfLot:
    names = {FRAME: "Frame", MOTOR: "Motor 2807", ESC: "ESC", CAMERA: "Camera"}
    return ShelfLot(
        id=lot_id or int(code[2:]),
        code=code,
        part_id=part,
        part_name=names[part],
        quantity=quantity,
        site_id=site,
        site_name={WORKSHOP: "Kyiv workshop", WAREHOUSE: "Lviv warehouse"}[site],
        place_path="Kyiv workshop/Shelf 1",
    )


def state(*, missing: dict[int, int] | None = None, site: int | None = WORKSHOP, **known):
    """A 7" unit's kit: 1 frame, 4 motors, 1 ESC; `missing` says how many of each part are
    still to draw (all of them unless given)."""
    bill = [(100, FRAME, "Frame", 1), (101, MOTOR, "Motor 2807", 4), (102, ESC, "ESC", 1)]
    missing = missing if missing is not None else {part: q for _, part, _, q in bill}
    return KittingState(
        type_name='FPV 7"',
        site_id=site,
        site_name="Kyiv workshop" if site else None,
        lines=tuple(
            KitLine(item, part, name, quantity, missing.get(part, 0))
            for item, part, name, quantity in bill
        ),
        lots=known.get("lots", {}),
        places=known.get("places", {}),
    )


def scanned(kind: Kind, key: str) -> ScanResult:
    return ScanResult(kind, key)


def test_a_lot_of_a_part_the_unit_needs_draws_what_is_missing_as_far_as_the_lot_goes():
    motors = lot("L-000007", MOTOR, 10)
    decided = decide(scanned(Kind.LOT, "L-000007"), state(lots={"L-000007": motors}))
    assert decided == Draw(motors, state().lines[1], 4)
    short = lot("L-000008", MOTOR, 3)
    decided = decide(scanned(Kind.LOT, "L-000008"), state(lots={"L-000008": short}))
    assert isinstance(decided, Draw) and decided.quantity == 3


def test_a_lot_of_a_part_the_type_does_not_use_is_refused_with_its_part_and_the_type():
    cameras = lot("L-000009", CAMERA, 5)
    decided = decide(scanned(Kind.LOT, "L-000009"), state(lots={"L-000009": cameras}))
    assert decided == Refusal("not_used", {"code": "L-000009", "part": "Camera", "type": 'FPV 7"'})


def test_a_lot_of_a_line_already_drawn_in_full_is_refused():
    motors = lot("L-000007", MOTOR, 10)
    decided = decide(
        scanned(Kind.LOT, "L-000007"),
        state(missing={FRAME: 1, MOTOR: 0, ESC: 1}, lots={"L-000007": motors}),
    )
    assert decided == Refusal("line_complete", {"quantity": 4, "part": "Motor 2807"})


def test_an_empty_lot_is_refused():
    empty = lot("L-000007", MOTOR, 0)
    decided = decide(scanned(Kind.LOT, "L-000007"), state(lots={"L-000007": empty}))
    assert decided == Refusal("lot_empty", {"code": "L-000007"})


def test_a_lot_of_another_site_is_refused_naming_both_sites():
    far = lot("L-000007", MOTOR, 40, site=WAREHOUSE)
    decided = decide(scanned(Kind.LOT, "L-000007"), state(lots={"L-000007": far}))
    assert decided == Refusal(
        "other_site",
        {"code": "L-000007", "site": "Lviv warehouse", "unit_site": "Kyiv workshop"},
    )


def test_a_unit_with_no_site_yet_draws_from_any_site():
    far = lot("L-000007", MOTOR, 40, site=WAREHOUSE)
    decided = decide(scanned(Kind.LOT, "L-000007"), state(site=None, lots={"L-000007": far}))
    assert isinstance(decided, Draw) and decided.lot is far


def test_an_unknown_code_of_the_apps_own_form_is_refused_any_other_is_no_stock_code():
    assert decide(scanned(Kind.LOT, "L-000404"), state()) == Refusal(
        "unknown_lot", {"code": "L-000404"}
    )
    # A lot label printed before the workshop kept stock: a tracked part's lot code, as then.
    assert decide(scanned(Kind.LOT, "ESC-LOT-2611"), state()) is None


@pytest.mark.parametrize("kind", [Kind.UNIT, Kind.BADGE])
def test_a_unit_serial_or_a_badge_is_no_stock_code(kind):
    assert decide(scanned(kind, "FPV7-2026-00012"), state()) is None


def test_a_place_gives_the_oldest_lot_of_the_next_part_the_unit_needs_that_lies_there():
    old_esc, new_esc = lot("L-000003", ESC, 2), lot("L-000005", ESC, 9)
    motors = lot("L-000004", MOTOR, 20)
    shelf = ShelfPlace("P-000001", "Kyiv workshop/Shelf 1", WORKSHOP, (old_esc, motors, new_esc))
    # The frame is drawn; the motors come before the ESC in the bill, so they go first.
    kit = state(missing={FRAME: 0, MOTOR: 4, ESC: 1}, places={"P-000001": shelf})
    assert decide(scanned(Kind.PLACE, "P-000001"), kit) == Draw(motors, kit.lines[1], 4)
    kit = state(missing={FRAME: 0, MOTOR: 0, ESC: 1}, places={"P-000001": shelf})
    assert decide(scanned(Kind.PLACE, "P-000001"), kit) == Draw(old_esc, kit.lines[2], 1)


def test_a_bin_label_counts_as_the_place_it_became():
    shelf = ShelfPlace(
        "P-000002", "Kyiv workshop/Frame #17", WORKSHOP, (lot("L-000001", FRAME, 5),)
    )
    decided = decide(scanned(Kind.BIN, "17"), state(places={"17": shelf}))
    assert isinstance(decided, Draw) and decided.line.part_id == FRAME


def test_a_place_holding_nothing_the_unit_needs_says_so():
    shelf = ShelfPlace("P-000001", "Kyiv workshop/Shelf 9", WORKSHOP, (lot("L-000001", CAMERA, 5),))
    decided = decide(scanned(Kind.PLACE, "P-000001"), state(places={"P-000001": shelf}))
    assert decided == Refusal("nothing_needed", {"path": "Kyiv workshop/Shelf 9"})


def test_a_place_of_another_site_or_unknown_is_refused():
    far = ShelfPlace("P-000001", "Lviv warehouse/Rack 1", WAREHOUSE, (lot("L-1", FRAME, 5),))
    assert decide(scanned(Kind.PLACE, "P-000001"), state(places={"P-000001": far})) == Refusal(
        "place_other_site", {"path": "Lviv warehouse/Rack 1", "unit_site": "Kyiv workshop"}
    )
    assert decide(scanned(Kind.PLACE, "P-000404"), state()) == Refusal(
        "unknown_place", {"code": "P-000404"}
    )


def test_a_bin_label_no_place_took_over_names_its_number():
    assert decide(scanned(Kind.BIN, "999999"), state()) == Refusal(
        "unknown_bin", {"code": "999999"}
    )
