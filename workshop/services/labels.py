"""What goes on a label (a unit, a batch of units, a lot, a place, a badge) and counting prints.

A label's QR code holds `{base}/u/<serial>`, `{base}/lots/<code>`, `{base}/places/<code>` or
`{base}/badge/<badge code>`; `{base}` is the address the admin set for tablets.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from urllib.parse import quote

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone

from workshop.extensions import db
from workshop.labels import STOCKS, LabelContent, Stock
from workshop.labels.layouts import place
from workshop.labels.qr import CodeTooLong
from workshop.models import Lot, Place, Unit, User
from workshop.services import audit, places, scan, settings
from workshop.services.errors import Invalid, NotFound
from workshop.services.units import PART_CODE_MAX, workshop_today
from workshop.vocabulary import ROLE_NAMES

#: The most labels one batch makes: a few A4 sheets' worth more than a busy day needs.
BATCH_MAX = 500
_UNIT_LOADS = (so.joinedload(Unit.drone_type),)
T = TypeVar("T")


def stock(stock_id: str | None) -> Stock:
    """The stock with this id, the workshop's default when none is given."""
    stock_id = stock_id or settings.default_stock_id()
    if stock_id not in STOCKS:
        raise NotFound(
            _l(
                "There is no label stock “%(stock)s”. The stocks are: %(known)s.",
                stock=stock_id[:20],
                known=", ".join(STOCKS),
            )
        )
    return STOCKS[stock_id]


def base_url(fallback: str) -> str:
    """The address labels point at: the admin's setting, else `fallback` (this request's)."""
    return (settings.label_base_url() or fallback).rstrip("/")


def unit_label(unit: Unit, base: str) -> LabelContent:
    created = to_user_timezone(unit.created_at).date()
    return LabelContent(
        qr_text=f"{base}/u/{unit.serial}",
        title=unit.serial,
        lines=(unit.drone_type.name, created.isoformat()),
    )


def units_created_on(day: date) -> list[Unit]:
    """Units started on `day` of the workshop's calendar, in serial order."""
    # Any time zone's `day` lies inside this UTC window; the local date is checked below.
    since = datetime.combine(day, time(), tzinfo=UTC) - timedelta(days=1)
    candidates = db.session.scalars(
        sa.select(Unit)
        .options(*_UNIT_LOADS)
        .where(Unit.created_at >= since, Unit.created_at < since + timedelta(days=3))
        .order_by(Unit.serial)
    )
    found = [unit for unit in candidates if to_user_timezone(unit.created_at).date() == day]
    if not found:
        raise NotFound(_l("No unit was started on %(day)s.", day=day.isoformat()))
    return _at_most(found)


def units_by_serials(text: str) -> list[Unit]:
    """The units a list of serials (or scanned unit labels) names, in the order given."""
    serials: list[str] = []
    for word in text.replace(",", " ").replace(";", " ").split():
        found = scan.parse(word)
        if found.kind is not scan.Kind.UNIT:
            raise Invalid(_l("“%(code)s” is not a unit serial.", code=word[:40]))
        if found.key not in serials:
            serials.append(found.key)
    if not serials:
        raise Invalid(_l("Scan or type at least one serial."))
    _at_most(serials)
    units = {
        unit.serial: unit
        for unit in db.session.scalars(
            sa.select(Unit).options(*_UNIT_LOADS).where(Unit.serial.in_(serials))
        )
    }
    if missing := [serial for serial in serials if serial not in units]:
        raise NotFound(_l("No unit has the serial %(serial)s.", serial=", ".join(missing[:5])))
    return [units[serial] for serial in serials]


def units_in_range(first: str, last: str) -> list[Unit]:
    """Every unit from serial `first` to `last` (same prefix and year), in order."""
    first_key, last_key = (scan.parse(code) for code in (first, last))
    if first_key.kind is not scan.Kind.UNIT or last_key.kind is not scan.Kind.UNIT:
        raise Invalid(_l("A range runs from one unit serial to another."))
    low, high = sorted((first_key.key, last_key.key))
    if low.rsplit("-", 1)[0] != high.rsplit("-", 1)[0]:
        raise Invalid(
            _l(
                "A range stays within one drone type and year, "
                "e.g. FPV7-2026-00001 to FPV7-2026-00040."
            )
        )
    found = list(
        db.session.scalars(
            sa.select(Unit)
            .options(*_UNIT_LOADS)
            .where(Unit.serial.between(low, high))
            .order_by(Unit.serial)
            .limit(BATCH_MAX + 1)
        )
    )
    if not found:
        raise NotFound(_l("No unit has a serial from %(first)s to %(last)s.", first=low, last=high))
    return _at_most(found)


def lot_label(lot: Lot, base: str) -> LabelContent:
    """A lot's label: its code, the part and the day it came in."""
    return LabelContent(
        f"{base}/lots/{quote(lot.code, safe='')}",
        lot.code,
        (lot.part.name, lot.received_on.isoformat()),
    )


def place_label(place: Place, base: str) -> LabelContent:
    """A place's label: its name, the path above it and its code."""
    return LabelContent(
        f"{base}/places/{place.code}", place.name, (place.path.rsplit("/", 1)[0], place.code)
    )


def lot_labels(text: str, base: str) -> list[LabelContent]:
    """Labels for lots: one per line of `text`, the code as a volunteer scans it at kitting; a
    lot on the shelves gets its part's name, a code from before stock was kept its code alone."""
    codes: list[str] = []
    for line in text.splitlines():
        code = " ".join(line.split()).upper()
        if len(code) > PART_CODE_MAX:
            raise Invalid(
                _l("A lot code has at most 64 characters: %(code)s", code=code[:40] + "…")
            )
        if code and code not in codes:
            codes.append(code)
    if not codes:
        raise Invalid(_l("Type at least one lot code, one per line."))
    known = {
        lot.code: lot
        for lot in db.session.scalars(
            sa.select(Lot).options(so.joinedload(Lot.part)).where(Lot.code.in_(_at_most(codes)))
        )
    }
    lot = str(_l("Part lot"))
    return [
        lot_label(known[code], base)
        if code in known
        else LabelContent(f"{base}/lots/{quote(code, safe='')}", code, (lot,))
        for code in codes
    ]


def place_labels(site_id: int, base: str) -> list[LabelContent]:
    """Labels for every place of a site, in the tree's order."""
    site = places.get_site(site_id)
    found = places.places_of(site.id)
    if not found:
        raise NotFound(_l("%(site)s has no places yet.", site=site.name))
    return [place_label(place, base) for place in _at_most(found)]


def badge_labels(base: str) -> list[LabelContent]:
    """A badge for every active person who has been given one: the name and role, no more."""
    people = db.session.scalars(
        sa.select(User).where(User.active, User.badge_code.is_not(None)).order_by(User.name)
    )
    badges = [
        LabelContent(
            f"{base}/badge/{person.badge_code}", person.name, (str(ROLE_NAMES[person.role]),)
        )
        for person in people
    ]
    if not badges:
        raise NotFound(_l("Nobody has a badge yet: issue them on the accounts page first."))
    return badges


def unit_labels(units: Iterable[Unit], base: str) -> list[LabelContent]:
    return [unit_label(unit, base) for unit in units]


def check_fits(contents: Sequence[LabelContent], label_stock: Stock) -> None:
    """Invalid when a code is too long for the stock's QR box (a very long base URL)."""
    if not contents:
        return
    try:
        place(max(contents, key=lambda content: len(content.qr_text)), label_stock)
    except CodeTooLong:
        raise Invalid(
            _l(
                "The label address is too long for a QR code on %(stock)s labels. "
                "Ask the coordinator to shorten it in the settings.",
                stock=label_stock.id,
            )
        ) from None


@dataclass(frozen=True)
class BatchRequest:
    """What the batch page asks for: a kind and the one field that kind reads."""

    kind: str
    serials: str = ""
    first: str = ""
    last: str = ""
    lots: str = ""
    site_id: int = 0


def batch(asked: BatchRequest, base: str) -> tuple[list[LabelContent], list[Unit]]:
    """The labels a batch asks for, and the units among them (whose prints are counted)."""
    if asked.kind == "lots":
        return lot_labels(asked.lots, base), []
    if asked.kind == "places":
        return place_labels(asked.site_id, base), []
    if asked.kind == "badges":
        return badge_labels(base), []
    if asked.kind == "list":
        found = units_by_serials(asked.serials)
    elif asked.kind == "range":
        found = units_in_range(asked.first, asked.last)
    else:
        found = units_created_on(workshop_today())
    return unit_labels(found, base), found


def record_print(unit: Unit, via: str, actor: User | None) -> None:
    """Count one print of the unit's label on its history: `via` browser, pdf or a printer name."""
    record_prints([unit], via, actor)


def record_prints(units: Iterable[Unit], via: str, actor: User | None) -> None:
    """Count one print of each unit's label, all in one transaction."""
    for unit in units:
        audit.record(actor, "unit.label_printed", "unit", unit.serial, None, {"via": via[:80]})
    db.session.commit()


def _at_most(items: list[T]) -> list[T]:
    if len(items) > BATCH_MAX:
        raise Invalid(_l("At most %(count)d labels at a time.", count=BATCH_MAX))
    return items
