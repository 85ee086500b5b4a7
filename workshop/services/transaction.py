"""One commit for each use case on a unit, turning a lost race into a clear conflict."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from workshop.extensions import db
from workshop.models import Unit
from workshop.services.errors import Conflict

CONFLICT = _l(
    "Someone else changed this unit a moment ago. Your change was not saved: "
    "look at the page again and repeat it if it is still needed."
)


@contextmanager
def unit_change(unit: Unit, *, bump: bool = True) -> Iterator[None]:
    """Apply a change to `unit` and commit, or roll back and raise.

    `stages.decide` has already refused a page older than the unit; the version
    column makes the UPDATE itself fail if another request won the race since.
    With `bump=False` a change that only adds rows (a bench run) leaves the version
    alone, so a page a volunteer has open stays valid; a change of the unit's own
    columns still bumps it.
    """
    try:
        yield
        if bump:
            # Every change to a unit bumps its version, even one that only adds a row.
            flag_modified(unit, "status")
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(CONFLICT) from None
    except BaseException:
        db.session.rollback()
        raise
