"""Which unit a board belongs to (identifying a drone by its flight controller), and a
coordinator's decision on a board conflict: the board now belongs to this unit, or not."""

import re

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import BenchRun, BoardBinding, BoardConflict, Unit, User
from workshop.models.timestamps import utcnow
from workshop.services import audit
from workshop.services.errors import Forbidden, Invalid, NotFound
from workshop.workflow import Role

#: An MCU unique id as a probe reads it: the id's bytes in hex (96 bits on STM32).
BOARD_UID = re.compile(r"^[0-9a-f]{8,48}$")


def unit_for_board(uid: str | None) -> str:
    """The serial of the unit the board with this MCU unique id is bound to now; Invalid when
    `uid` is no board id, NotFound when no unit has the board."""
    if uid is None:
        raise Invalid(
            _l("The flight controller did not tell its unique id, so it cannot be identified.")
        )
    uid = uid.strip().lower()
    if not BOARD_UID.match(uid):
        raise Invalid(_l("“%(uid)s” is not a board's unique id.", uid=uid[:48]))
    serial = db.session.scalar(
        sa.select(Unit.serial)
        .join(BoardBinding, BoardBinding.unit_id == Unit.id)
        .where(BoardBinding.uid == uid, BoardBinding.released_at.is_(None))
    )
    if serial is None:
        raise NotFound(
            _l(
                "No unit has the board %(uid)s: it was never read on a unit here, or it was "
                "taken off one.",
                uid=uid,
            )
        )
    return serial


_LOADS = (
    so.joinedload(BoardConflict.unit),
    so.joinedload(BoardConflict.other_unit),
    so.joinedload(BoardConflict.run).joinedload(BenchRun.station),
    so.joinedload(BoardConflict.run).joinedload(BenchRun.user),
    so.joinedload(BoardConflict.decided_by),
)


def undecided() -> list[BoardConflict]:
    """Conflicts waiting for a coordinator, oldest first."""
    return list(
        db.session.scalars(
            sa.select(BoardConflict)
            .where(BoardConflict.decision.is_(None))
            .options(*_LOADS)
            .order_by(BoardConflict.id)
        ).unique()
    )


def decided(limit: int = 50) -> list[BoardConflict]:
    """The latest decisions, newest first."""
    return list(
        db.session.scalars(
            sa.select(BoardConflict)
            .where(BoardConflict.decision.is_not(None))
            .options(*_LOADS)
            .order_by(BoardConflict.decided_at.desc(), BoardConflict.id.desc())
            .limit(limit)
        ).unique()
    )


def decide_conflict(conflict_id: int, accept: bool, actor: User) -> BoardConflict:
    """Accept: the board read is bound to the conflict's unit from now on (released from
    wherever it was, and the unit's former board released). Reject: bindings stay; the unit
    cannot finish its stage until its own board is read again."""
    if actor.role_enum is not Role.ADMIN:
        raise Forbidden(_l("Only a coordinator decides a board conflict."))
    conflict = db.session.get(BoardConflict, conflict_id)
    if conflict is None:
        raise NotFound(_l("There is no such board conflict."))
    if not conflict.undecided:
        raise Invalid(_l("This board conflict is decided already."))
    now = utcnow()
    try:
        if accept:
            for binding in db.session.scalars(
                sa.select(BoardBinding).where(
                    sa.or_(
                        BoardBinding.uid == conflict.uid, BoardBinding.unit_id == conflict.unit_id
                    ),
                    BoardBinding.released_at.is_(None),
                )
            ):
                binding.released_at, binding.released_by_id = now, actor.id
            db.session.flush()  # free the board and the unit before binding them together
            db.session.add(
                BoardBinding(uid=conflict.uid, unit_id=conflict.unit_id, run_id=conflict.run_id)
            )
        # One decision settles every waiting conflict of this unit over this board.
        same = db.session.scalars(
            sa.select(BoardConflict).where(
                BoardConflict.unit_id == conflict.unit_id,
                BoardConflict.uid == conflict.uid,
                BoardConflict.decision.is_(None),
            )
        )
        decision = "accepted" if accept else "rejected"
        for row in same:
            row.decision, row.decided_by_id, row.decided_at = decision, actor.id, now
        audit.record(
            actor,
            "board.decide",
            "unit",
            conflict.unit.serial,
            {
                "board": conflict.bound_uid,
                "other_unit": conflict.other_unit.serial if conflict.other_unit else None,
            },
            {"board": conflict.uid, "decision": decision},
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return conflict
