"""A unit's passport: what it says, gathered from the unit's record in the reader's language, and
counting each print on the unit's history.

Offered once the unit has been signed off (at the handover, and any time after). The receiving
unit's code is on it only when the coordinator's settings say so: the sheet travels to the
front.
"""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from firmware_checks.run_document import RunKind
from workshop.extensions import db
from workshop.labels.passport import PassportContent
from workshop.models import BenchRun, Delivery, Review, Unit, User
from workshop.services import audit, labels, settings, units
from workshop.services.errors import Conflict
from workshop.services.measurement_text import (
    NOTHING,
    limit_text,
    measurement_name,
    value_text,
)
from workshop.vocabulary import VERDICT_NAMES

#: The bench test's measurements a receiving unit cares about, in the order printed.
KEY_MEASUREMENTS = (
    "sensors",
    "gyro_noise_x",
    "gyro_noise_y",
    "gyro_noise_z",
    "attitude_tilt",
    "battery",
    "rc_link",
    "rc_channels",
    "config_diff",
)
NOT_SIGNED_OFF = _l("This unit has not been signed off yet, so it has no passport.")
PASSPORT_LOADS = (
    so.joinedload(Unit.drone_type),
    so.selectinload(Unit.reviews).joinedload(Review.reviewer),
    so.selectinload(Unit.deliveries),
)


def offered(unit: Unit) -> bool:
    """Whether the unit has a passport: it was signed off at least once."""
    return any(review.approved for review in unit.reviews)


def _latest_bench_run(unit: Unit) -> BenchRun | None:
    return db.session.scalars(
        sa.select(BenchRun)
        .where(BenchRun.unit_id == unit.id, BenchRun.kind == RunKind.BENCH.value)
        .options(so.selectinload(BenchRun.measurements), so.joinedload(BenchRun.golden_version))
        .order_by(BenchRun.id.desc())
        .limit(1)
    ).first()


def _day(day: date | datetime | None) -> str:
    """A day in the reader's words; a moment on the workshop's clock."""
    return format_date(day, "long") if day else NOTHING


def content(unit: Unit, base: str) -> PassportContent:
    """The passport of a signed-off unit (Conflict otherwise), in the reader's language."""
    approvals = [review for review in unit.reviews if review.approved]
    if not approvals:
        raise Conflict(NOT_SIGNED_OFF)
    handover: Delivery | None = unit.deliveries[-1] if unit.deliveries else None
    run = _latest_bench_run(unit)
    probe = (run.probe if run else None) or {}
    facts = [
        (_("Drone type"), unit.drone_type.name),
        (_("Built"), _day(approvals[0].at)),
    ]
    if len(approvals) > 1:
        facts.append((_("Repaired"), _day(approvals[-1].at)))
    facts += [
        (_("Handed over"), _day(handover.delivered_on if handover else None)),
        (_("Firmware"), " ".join(str(probe[k]) for k in ("variant", "version") if probe.get(k))),
        (
            _("Board and target"),
            " / ".join(str(probe[k]) for k in ("board_id", "target") if probe.get(k)),
        ),
        (
            _("Golden configuration"),
            _("version %(number)s", number=run.golden_version.number)
            if run and run.golden_version
            else _("none"),
        ),
        (_("Bench test"), str(VERDICT_NAMES[run.run_verdict]) if run else NOTHING),
        (_("Signed off by"), approvals[-1].reviewer.name),
    ]
    if handover and settings.passport_shows_receiver():
        facts.append((_("Receiving unit"), handover.receiver_code))
    measured = {m.name: m for m in run.measurements} if run else {}
    return PassportContent(
        qr_text=f"{base}/u/{unit.serial}",
        heading=_("Drone passport"),
        serial=unit.serial,
        facts=tuple((what, value or NOTHING) for what, value in facts),
        measurements_heading=_("Bench test: key measurements"),
        measurement_columns=(_("Measurement"), _("Value"), _("Limit")),
        measurements=tuple(
            (measurement_name(m.name), value_text(m.value, m.unit), limit_text(m))
            for name in KEY_MEASUREMENTS
            if (m := measured.get(name)) is not None
        ),
        care_heading=_("Care"),
        care_notes=unit.drone_type.care_notes,
        footer=_(
            "Printed on %(day)s · Scan the code to open this drone's record at the workshop.",
            day=_day(units.workshop_today()),
        ),
    )


def passport(serial: str, fallback_base: str) -> tuple[Unit, PassportContent]:
    """The unit with this serial and its passport, its QR code pointing where labels point."""
    unit = units.get_unit(serial, *PASSPORT_LOADS)
    return unit, content(unit, labels.base_url(fallback_base))


def record_print(unit: Unit, via: str, actor: User) -> None:
    """Count one print of the passport on the unit's history: `via` browser or pdf."""
    audit.record(actor, "unit.passport_printed", "unit", unit.serial, None, {"via": via})
    db.session.commit()
