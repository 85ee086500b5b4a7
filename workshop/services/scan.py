"""The one scan resolver: whatever a scanner or a person typed, find what it names.

A label holds `{base}/u/<serial>`, `{base}/lots/<code>`, `{base}/places/<code>`,
`{base}/bins/<number>` (a bin label printed before places existed, now a place's) or
`{base}/badge/<code>`; a bare code is a unit serial, or a lot's (L-000123) or a place's
(P-000045) code. A scanner that types under a Ukrainian (or Russian) keyboard layout sends the
Cyrillic letters on the same keys: those are put back.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import Lot, Place, Unit, UnitPart
from workshop.services import accounts, places
from workshop.services.errors import Invalid, NotFound, ServiceError
from workshop.services.stock import LOT_CODE, PLACE_CODE

SERIAL = re.compile(r"^[A-Z0-9]{1,8}-\d{4}-\d{5}$")
BADGE = re.compile(r"^[A-Z2-9]{16}$")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


class Kind(StrEnum):
    UNIT = "unit"
    LOT = "lot"
    PLACE = "place"
    BIN = "bin"
    BADGE = "badge"


#: The first path segment of a label URL and what it names.
LABEL_PATHS = {
    "U": Kind.UNIT,
    "LOTS": Kind.LOT,
    "PLACES": Kind.PLACE,
    "BINS": Kind.BIN,
    "BADGE": Kind.BADGE,
}
LABEL_URL = re.compile(r"/(U|LOTS|PLACES|BINS|BADGE)/([^/?#]+)")
#: What codes a kind of stock label may hold, a lot's being whatever an import brought in.
STOCK_KINDS = frozenset({Kind.LOT, Kind.PLACE, Kind.BIN})

# What the same physical keys type on a US and on a Ukrainian layout (the Russian-only letters
# last), so that a scanner typing under the wrong layout can be undone key by key.
_KEYS = (
    ("qwertyuiop[]asdfghjkl;'zxcvbnm,./", "йцукенгшщзхїфівапролджєячсмитьбю."),
    ('QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>?', "ЙЦУКЕНГШЩЗХЇФІВАПРОЛДЖЄЯЧСМИТЬБЮ,"),
    ("@#$^&", '"№;:?'),
    ("s'`]S\"~}", "ыэёъЫЭЁЪ"),
)
LAYOUT = str.maketrans("".join(c for _, c in _KEYS), "".join(latin for latin, _ in _KEYS))


@dataclass(frozen=True)
class ScanResult:
    """What a scan names: its kind and key (a serial, a lot or place code, a bin number, a badge
    code)."""

    kind: Kind
    key: str


def repair_layout(raw: str) -> str | None:
    """`raw` as typed on a US layout, when it shows Cyrillic-layout damage that can be undone.

    None when there is nothing to repair (no Cyrillic letter) or when a character is left that
    no key of the US layout makes.
    """
    if not CYRILLIC.search(raw):
        return None
    repaired = raw.translate(LAYOUT)
    return repaired if repaired.isascii() else None


def parse(raw: str) -> ScanResult:
    """The kind and key a code names, without looking anything up; Invalid when it names nothing."""
    compact = "".join(raw.split()).upper()
    if not compact:
        raise Invalid(_l("Scan a label or type a serial."))
    if match := LABEL_URL.search(compact):
        kind = LABEL_PATHS[match.group(1)]
        key = " ".join(unquote(match.group(2)).split()).upper()
    elif LOT_CODE.match(compact):
        kind, key = Kind.LOT, compact
    elif PLACE_CODE.match(compact):
        kind, key = Kind.PLACE, compact
    else:
        kind, key = Kind.UNIT, compact
    if kind is Kind.UNIT and not SERIAL.match(key):
        raise Invalid(
            _l(
                "“%(code)s” is not a unit serial. A serial looks like FPV7-2026-00012.",
                code=key[:40],
            )
        )
    if kind is Kind.BIN and not key.isdigit():
        raise Invalid(_l("“%(code)s” is not a bin label.", code=key[:40]))
    if kind is Kind.BADGE and not BADGE.match(key):
        raise Invalid(_l("This badge cannot be read. Scan it again or log in with your name."))
    if kind is Kind.LOT and len(key) > UnitPart.code.type.length:
        raise Invalid(_l("“%(code)s” is not a lot label.", code=key[:40]))
    if kind is Kind.PLACE and not PLACE_CODE.match(key):
        raise Invalid(_l("“%(code)s” is not a place label.", code=key[:40]))
    return ScanResult(kind, key)


def parse_repaired(raw: str) -> ScanResult:
    """What a code names by its form alone, undoing keyboard-layout damage; nothing looked up."""
    try:
        return parse(raw)
    except Invalid:
        if (repaired := repair_layout(raw)) is None:
            raise
        return parse(repaired)


def _find(target: ScanResult) -> ScanResult:
    """`target` when what it names exists (a unit by its exact serial), else NotFound; a bin
    label answers with the place it names now."""
    if target.kind is Kind.UNIT:
        serial = db.session.scalar(sa.select(Unit.serial).where(Unit.serial == target.key))
        if serial is None:
            raise NotFound(_l("No unit has the serial %(serial)s.", serial=target.key))
        return ScanResult(Kind.UNIT, serial)
    if target.kind is Kind.LOT:
        # A lot on the shelves, or a lot code recorded on units before the workshop kept stock.
        if _lot_known(target.key) is None and (
            db.session.scalar(sa.select(UnitPart.id).where(UnitPart.code == target.key).limit(1))
            is None
        ):
            raise NotFound(_l("No lot has the code %(code)s.", code=target.key))
    elif target.kind is Kind.PLACE:
        if db.session.scalar(sa.select(Place.id).where(Place.code == target.key)) is None:
            raise NotFound(_l("No place has the code %(code)s.", code=target.key))
    elif target.kind is Kind.BIN:
        return ScanResult(Kind.PLACE, places.place_of_bin(int(target.key)).code)
    elif accounts.badge_holder(target.key) is None:
        raise NotFound(accounts.BADGE_INVALID)
    return target


def _lot_known(code: str) -> int | None:
    return db.session.scalar(sa.select(Lot.id).where(Lot.code == code))


def resolve(raw: str) -> ScanResult:
    """What a scanned or typed code names, or a clear refusal.

    The code as typed is tried first; when it shows keyboard-layout damage, the repaired code
    too. The refusal told is the one that got further (a code that parses but names nothing
    says more than one that does not parse).
    """
    candidates = [raw]
    if (repaired := repair_layout(raw)) is not None:
        candidates.append(repaired)
    refusals: list[ServiceError] = []
    for candidate in candidates:
        try:
            return _find(parse(candidate))
        except ServiceError as error:
            refusals.append(error)
    raise next((e for e in refusals if isinstance(e, NotFound)), refusals[0])


def stock_code(raw: str) -> ScanResult | None:
    """What a code scanned where stock is expected names: a lot, a place or a bin, by its label
    or its bare code (an imported lot's code too); None when it is none of these, such as a
    tracked part's serial. Nothing is looked up but a bare code no label form explains."""
    try:
        found: ScanResult | None = parse_repaired(raw)
    except Invalid:
        found = None
    if found is not None and found.kind in STOCK_KINDS:
        return found
    compact = " ".join(raw.split()).upper()
    if compact and len(compact) <= Lot.code.type.length and _lot_known(compact) is not None:
        return ScanResult(Kind.LOT, compact)
    return None
