"""Numbers that are never given twice: unit serials, lot and place codes."""

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult

from workshop.extensions import db
from workshop.models import SerialCounter


def take_next_number(prefix: str, year: int) -> int:
    """Atomically take the next number; the UPDATE locks the row on every database.

    The first number of a new prefix and year inserts the row; two requests doing that at once
    make one of them fail with an IntegrityError, which the caller retries.
    """
    bump = (
        sa.update(SerialCounter)
        .where(SerialCounter.prefix == prefix, SerialCounter.year == year)
        .values(last=SerialCounter.last + 1)
    )
    # An UPDATE's result is a CursorResult, which the Session's typing cannot promise.
    if cast(CursorResult[Any], db.session.execute(bump)).rowcount == 0:
        db.session.add(SerialCounter(prefix=prefix, year=year, last=1))
        db.session.flush()
        return 1
    return db.session.execute(
        sa.select(SerialCounter.last).where(
            SerialCounter.prefix == prefix, SerialCounter.year == year
        )
    ).scalar_one()
