"""Receiving: parts that enter the workshop become a lot with its own code, in a place."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import Lot, Part, Place, User
from workshop.models.stock import CURRENCIES, SOURCES, EntryKind
from workshop.services import audit, parts, places, stock
from workshop.services.errors import Invalid
from workshop.services.units import workshop_today

SOURCE_CODE_MAX = 40
COST_MAX = Decimal("10000000")
#: The oldest day a receipt may carry: older stock is counted in by a stocktake, not received.
EARLIEST = date(2000, 1, 1)
# A source code names a donor or a supplier; an e-mail address or a phone number (international,
# or a Ukrainian 0XX XXX XX XX) names a person.
_PERSONAL = re.compile(r"@|\+\s?\d|\b0\d{2}[ -]?\d{3}[ -]?\d{2}[ -]?\d{2}\b")


@dataclass(frozen=True)
class Receipt:
    """What the person at the tablet says came in."""

    part_id: int
    quantity: int
    place_code: str
    source: str
    source_code: str = ""
    received_on: date | None = None
    cost: str = ""
    currency: str = ""


def check_source(source: str, source_code: str) -> tuple[str, str]:
    if source not in SOURCES:
        raise Invalid(_l("Choose where the parts came from."))
    code = " ".join(source_code.split())
    if len(code) > SOURCE_CODE_MAX:
        raise Invalid(_l("The source code has at most 40 characters."))
    if _PERSONAL.search(code):
        raise Invalid(
            _l(
                "A source code names a donor or a supplier by a code, never a person: "
                "no e-mail address or phone number."
            )
        )
    return source, code


def _check_day(day: date | None) -> date:
    today = workshop_today()
    day = day or today
    # A day of grace: a tablet's clock and the workshop's may sit either side of midnight.
    if day > today + timedelta(days=1):
        raise Invalid(_l("The date received cannot be in the future."))
    if day < EARLIEST:
        raise Invalid(_l("The date received cannot be before 2000."))
    return day


def _check_cost(cost: str, currency: str) -> tuple[Decimal | None, str | None]:
    typed = cost.strip().replace(",", ".").replace(" ", "")
    if not typed:
        return None, None
    try:
        amount = Decimal(typed)
    except InvalidOperation:
        amount = Decimal(-1)
    if not (amount.is_finite() and 0 <= amount <= COST_MAX) or amount != amount.quantize(
        Decimal("0.01")
    ):
        raise Invalid(
            _l("Cost: an amount such as 1250.50 is needed, not “%(typed)s”.", typed=cost[:20])
        )
    if currency not in CURRENCIES:
        raise Invalid(_l("Choose the currency of the cost."))
    return amount, currency


def new_lot(
    part: Part,
    quantity: int,
    place: Place,
    source: str,
    actor: User | None,
    *,
    source_code: str = "",
    received_on: date,
    code: str | None = None,
    cost: Decimal | None = None,
    currency: str | None = None,
) -> Lot:
    """A received lot and its ledger row, in the caller's transaction."""
    lot = Lot(
        code=code or stock.new_lot_code(),
        part=part,
        place=place,
        quantity=quantity,
        source=source,
        source_code=source_code,
        received_on=received_on,
        cost=cost,
        currency=currency,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(lot)
    db.session.flush()
    stock.write(EntryKind.RECEIVE, actor, part_id=part.id, lot=lot, lot_change=quantity)
    return lot


def receive(receipt: Receipt, actor: User) -> Lot:
    """A new lot of `receipt.quantity` parts in a place, with the next lot code."""
    part = parts.get_part(receipt.part_id)
    quantity = stock.check_quantity(receipt.quantity, _l("Quantity"))
    place = places.get_place(receipt.place_code)
    source, source_code = check_source(receipt.source, receipt.source_code)
    received_on = _check_day(receipt.received_on)
    cost, currency = _check_cost(receipt.cost, receipt.currency)
    lot = new_lot(
        part,
        quantity,
        place,
        source,
        actor,
        source_code=source_code,
        received_on=received_on,
        cost=cost,
        currency=currency,
    )
    audit.record(
        actor,
        "lot.receive",
        "lot",
        lot.code,
        None,
        {
            "part": part.name,
            "quantity": quantity,
            "place": place.path,
            "source": source,
            "source_code": source_code,
        },
    )
    db.session.commit()
    return lot
