"""The scan resolver's pure half: what a code names, and undoing keyboard-layout damage."""

import pytest

from workshop.services.errors import Invalid
from workshop.services.scan import Kind, ScanResult, parse, repair_layout

SERIAL = "FPV7-2026-00012"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        # A scanner typing under a Ukrainian layout: Shift+F, Shift+P, Shift+V.
        ("АЗМ7-2026-00012", SERIAL),
        # The same on the label URL: ':' is Shift+';' (Ж), '/' types '.', '.' types 'ю'.
        ("реезЖ..192ю168ю1ю10Ж5000.г.АЗМ7-2026-00012", f"http://192.168.1.10:5000/u/{SERIAL}"),
        ("реезЖ..цщклырщзюдщсфдЖ8080.дщеы.Д-42", "http://workshop.local:8080/lots/L-42"),
        # The Russian layout differs on four keys; 's' is 'ы' there.
        ("реезЖ..ц.ифвпу.ЫЫ", "http://w/badge/SS"),
        ("ЕЕ7-2026-00001", "TT7-2026-00001"),
    ],
)
def test_layout_damage_is_undone_key_by_key(typed, meant):
    assert repair_layout(typed) == meant


@pytest.mark.parametrize(
    "typed", [SERIAL, "http://192.168.1.10:5000/u/FPV7-2026-00012", "12345", ""]
)
def test_a_code_with_no_cyrillic_letter_has_nothing_to_repair(typed):
    assert repair_layout(typed) is None


def test_a_character_no_us_key_makes_is_not_repaired():
    # Ґ has no one key: each Ukrainian layout puts it somewhere else, so it cannot be undone.
    assert repair_layout("ҐАЗМ7-2026-00012") is None


@pytest.mark.parametrize(
    ("typed", "kind", "key"),
    [
        (SERIAL, Kind.UNIT, SERIAL),
        (f" {SERIAL.lower()}\n", Kind.UNIT, SERIAL),
        (f"http://10.0.0.2:5000/u/{SERIAL}?from=label", Kind.UNIT, SERIAL),
        ("http://10.0.0.2:5000/lots/esc-lot%2042", Kind.LOT, "ESC-LOT 42"),
        ("HTTP://HOST/LOTS/A%2FB", Kind.LOT, "A/B"),
        ("http://10.0.0.2:5000/bins/17", Kind.BIN, "17"),
        ("http://10.0.0.2:5000/places/p-000045", Kind.PLACE, "P-000045"),
        # The codes the app makes for lots and places, typed bare.
        (" l-000123 ", Kind.LOT, "L-000123"),
        ("P-000045", Kind.PLACE, "P-000045"),
        ("L-1234567", Kind.LOT, "L-1234567"),
        ("http://10.0.0.2:5000/badge/abcdefghjkmnpq23", Kind.BADGE, "ABCDEFGHJKMNPQ23"),
    ],
)
def test_parse_names_the_kind_by_the_label_path(typed, kind, key):
    assert parse(typed) == ScanResult(kind, key)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Scan a label or type a serial."),
        ("hello", "is not a unit serial"),
        ("http://h/u/FPV7-26-1", "is not a unit serial"),
        ("http://h/bins/ESC", "is not a bin label"),
        ("http://h/badge/SHORT", "This badge cannot be read"),
        ("http://h/lots/" + "X" * 65, "is not a lot label"),
        ("http://h/places/SHELF3", "is not a place label"),
        ("L-12", "is not a unit serial"),
        ("http://h/x/abc", "is not a unit serial"),
    ],
)
def test_parse_refuses_what_names_nothing_with_a_reason(typed, says):
    with pytest.raises(Invalid) as refused:
        parse(typed)
    assert says in str(refused.value.message)
