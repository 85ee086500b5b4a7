"""The one scan resolver: whatever a scanner or a person typed, find what it names."""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import Unit
from workshop.services.errors import Invalid, NotFound

SERIAL = re.compile(r"^[A-Z0-9]{1,8}-\d{4}-\d{5}$")
#: A QR label holds http://host:port/u/<serial>; keep whatever follows /u/.
URL_PATH = re.compile(r"/U/([^/?#]+)")


@dataclass(frozen=True)
class ScanResult:
    serial: str


def normalise(raw: str) -> str:
    """Upper case, no spaces anywhere, the serial part of a label URL."""
    code = "".join(raw.split()).upper()
    if match := URL_PATH.search(code):
        code = match.group(1)
    return code


def resolve(raw: str) -> ScanResult:
    """The unit a scanned or typed code names, or a clear refusal."""
    code = normalise(raw)
    if not code:
        raise Invalid(_l("Scan a label or type a serial."))
    if not SERIAL.match(code):
        raise Invalid(
            _l(
                "“%(code)s” is not a unit serial. A serial looks like FPV7-2026-00012.",
                code=code[:40],
            )
        )
    found = db.session.scalar(sa.select(Unit.serial).where(Unit.serial == code))
    if found is None:
        raise NotFound(_l("No unit has the serial %(serial)s.", serial=code))
    return ScanResult(serial=found)
