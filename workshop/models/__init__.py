"""Typed SQLAlchemy models, one module per domain; imported here so Alembic sees them all."""

from workshop.models.audit import AuditEvent
from workshop.models.boards import BoardBinding, BoardConflict
from workshop.models.catalog import BomItem, ChecklistItem, DroneType, SerialCounter
from workshop.models.delivery import Delivery
from workshop.models.fc_config import GoldenConfig, LimitsVersion
from workshop.models.field import FieldLoss, Return
from workshop.models.logins import LoginFailure, LoginSession
from workshop.models.people import User
from workshop.models.ports import BenchPort
from workshop.models.printing import Printer, PrintJob
from workshop.models.quality import BenchMeasurement, BenchRun, Review
from workshop.models.settings import Setting
from workshop.models.stations import StationToken
from workshop.models.stock import LedgerEntry, Lot, Part, Place, Site
from workshop.models.units import Photo, StageRecord, StageVisit, Unit, UnitPart

__all__ = [
    "AuditEvent",
    "BenchMeasurement",
    "BenchPort",
    "BenchRun",
    "BoardBinding",
    "BoardConflict",
    "BomItem",
    "ChecklistItem",
    "Delivery",
    "DroneType",
    "FieldLoss",
    "GoldenConfig",
    "LedgerEntry",
    "LimitsVersion",
    "LoginFailure",
    "LoginSession",
    "Lot",
    "Part",
    "Photo",
    "Place",
    "PrintJob",
    "Printer",
    "Return",
    "Review",
    "SerialCounter",
    "Setting",
    "Site",
    "StageRecord",
    "StageVisit",
    "StationToken",
    "Unit",
    "UnitPart",
    "User",
]
