"""Two tablets drawing the last pieces of a lot at the same moment: one wins, the other is told,
and the lot never goes below zero (on SQLite and on PostgreSQL, whichever the suite runs on)."""

import threading
import time

import sqlalchemy as sa
from flask_babel import force_locale

from tests.helpers import make_place, make_user, receive
from tests.integration.stock_support import quad
from workshop.extensions import db
from workshop.models import LedgerEntry, Lot, Unit, User
from workshop.services import draws, stock, units
from workshop.services.errors import ServiceError

#: How long the first tablet holds its transaction open after taking the pieces.
HOLD = 0.5


def test_two_tablets_drawing_the_last_pieces_at_once_one_wins_and_the_other_is_told(app):
    drone_type = quad()
    line = next(item.id for item in drone_type.bom if item.name == "Motor 2807")
    last = receive("Motor 2807", 4, make_place("Kyiv workshop/Box 2"))
    people = [make_user(), make_user()]
    bench = [units.create_unit(drone_type.id, person).id for person in people]
    ids = [person.id for person in people]

    first_took = threading.Event()
    outcomes: dict[str, str] = {}

    def hold_the_first(conn, cursor, statement, parameters, context, executemany):
        # The first tablet has taken the pieces and not committed yet: let the second one go
        # now, and keep the transaction open while it tries.
        if threading.current_thread().name == "tablet-0" and statement.startswith("UPDATE lots"):
            first_took.set()
            time.sleep(HOLD)

    def tablet(number: int) -> None:
        with app.app_context():
            if number == 1:
                assert first_took.wait(10), "the first tablet never drew"
            unit = db.session.get(Unit, bench[number])
            actor = db.session.get(User, ids[number])
            try:
                draws.draw(unit, line, last.code, 4, actor, unit.version)
            except ServiceError as error:
                with force_locale("en"):
                    outcomes[f"tablet-{number}"] = str(error.message)
            else:
                outcomes[f"tablet-{number}"] = "drew"
            finally:
                db.session.remove()

    sa.event.listen(db.engine, "after_cursor_execute", hold_the_first)
    try:
        threads = [threading.Thread(target=tablet, args=(n,), name=f"tablet-{n}") for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", hold_the_first)

    assert outcomes == {
        "tablet-0": "drew",
        "tablet-1": f"Lot {last.code} is empty: nothing was taken.",
    }
    db.session.expire_all()
    assert db.session.get(Lot, last.id).quantity == 0
    drawn = db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.kind == "draw")).all()
    assert [(entry.unit_id, entry.lot_change) for entry in drawn] == [(bench[0], -4)]
    assert stock.disagreements() == []
