"""A small history of the week of Monday 2 March 2026, built through the real services, each move
at a moment set with the models' clock (times in UTC, the workshop's days in Kyiv):

- A (T7): started Mon 09:00; kitting done 10:00, soldering 12:00, flashing 13:00, bench test
  14:00; approved Tue 10:00; handed over Wed 12:00 (delivered on Wed 4 March); back from the
  field on Thu 5 March with no video.
- B (T7): started Mon 09:00; kitting done 11:00; soldering failed 13:00 for a cold joint and
  redone by 15:00; flashing 16:00; at the bench test now.
- C (T10): started Tue 09:00; kitting done 12:00; on hold at soldering 13:00 to 17:00; soldering
  done 18:00; scrapped at flashing Wed 10:00.
- D (T7): started Wed 09:00; at kitting now.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from tests.helpers import make_drone_type, make_user, pass_checks, record_parts, required_ids
from workshop.models import Unit
from workshop.models.timestamps import clock_at
from workshop.services import delivery, returns, review, stages, units
from workshop.services.metrics.periods import Filters
from workshop.services.returns import ReturnInput
from workshop.services.stages import StageInput
from workshop.workflow import Action, Role

#: A receiving unit's code: nothing the overview shows may carry it.
RECEIVER = "BRAVO-7"

WEEK = Filters(date(2026, 3, 2), date(2026, 3, 8))


def at(day: int, hour: int, step: Callable[[], object]) -> object:
    with clock_at(datetime(2026, 3, day, hour, tzinfo=UTC)):
        return step()


@pytest.fixture
def history(app):
    builder, reviewer = make_user(Role.VOLUNTEER), make_user(Role.REVIEWER)
    coordinator = make_user(Role.ADMIN)
    seven, ten = make_drone_type("T7"), make_drone_type("T10")

    def start(drone_type, day: int, hour: int) -> Unit:
        unit = at(day, hour, lambda: units.create_unit(drone_type.id, builder))
        at(day, hour, lambda: record_parts(unit, builder))
        return unit

    def finish(unit: Unit, day: int, hour: int) -> None:
        def step():
            pass_checks(unit, builder)
            data = StageInput(version=unit.version, checked=required_ids(unit))
            stages.finish_stage(unit, builder, data)

        at(day, hour, step)

    def status(unit: Unit, action: Action, day: int, hour: int) -> None:
        data = StageInput(version=unit.version, text="waiting for a motor")
        at(day, hour, lambda: stages.change_status(unit, builder, action, data))

    a, b = start(seven, 2, 9), start(seven, 2, 9)
    for hour in (10, 12, 13, 14):
        finish(a, 2, hour)
    at(3, 10, lambda: review.sign_off(a, reviewer, Action.APPROVE, StageInput(version=a.version)))
    at(4, 12, lambda: delivery.hand_over(a, coordinator, RECEIVER, date(2026, 3, 4), a.version))
    returned = ReturnInput(a.version, RECEIVER, date(2026, 3, 5), "no_video")
    at(5, 12, lambda: returns.record_return(a, coordinator, returned))

    finish(b, 2, 11)
    failed = StageInput(version=b.version, reason="cold_joint")
    at(2, 13, lambda: stages.fail_stage(b, builder, failed))
    finish(b, 2, 15)
    finish(b, 2, 16)

    c = start(ten, 3, 9)
    finish(c, 3, 12)
    status(c, Action.HOLD, 3, 13)
    status(c, Action.RELEASE, 3, 17)
    finish(c, 3, 18)
    status(c, Action.SCRAP, 4, 10)

    start(seven, 4, 9)
    return seven, ten
