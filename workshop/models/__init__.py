"""Typed SQLAlchemy models, one module per domain; imported here so Alembic sees them all."""

from workshop.models.audit import AuditEvent
from workshop.models.catalog import BomItem, ChecklistItem, DroneType, SerialCounter
from workshop.models.delivery import Delivery
from workshop.models.people import User
from workshop.models.printing import Printer, PrintJob
from workshop.models.quality import Review
from workshop.models.settings import Setting
from workshop.models.units import Photo, StageRecord, Unit, UnitPart

__all__ = [
    "AuditEvent",
    "BomItem",
    "ChecklistItem",
    "Delivery",
    "DroneType",
    "Photo",
    "PrintJob",
    "Printer",
    "Review",
    "SerialCounter",
    "Setting",
    "StageRecord",
    "Unit",
    "UnitPart",
    "User",
]
