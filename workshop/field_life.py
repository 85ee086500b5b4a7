"""The words of a unit's life after the handover: what failed in the field, why a unit is out
of service, what was decided about a return, where a handed-over unit stands.

Pure enums, asked by the workflow (workflow.py) and named in each language in vocabulary.py.
"""

from enum import StrEnum


class FieldFailure(StrEnum):
    """What failed in the field, as the receiving unit says when it brings a drone back."""

    CRASH = "crash"
    NO_VIDEO = "no_video"
    LINK_LOST = "link_lost"
    MOTOR_ESC = "motor_esc"
    POWER = "power"
    FIRMWARE = "firmware"
    FRAME = "frame"
    NO_FAULT = "no_fault"
    OTHER = "other"


class LossReason(StrEnum):
    """Why a delivered unit is out of service without coming back; never where or how."""

    NOT_RECOVERED = "not_recovered"
    EXPENDED = "expended"
    BEYOND_REPAIR = "beyond_repair"
    UNKNOWN = "unknown"


class ReturnOutcome(StrEnum):
    """What the workshop decided about a returned unit."""

    REPAIR = "repair"
    SCRAP = "scrap"
    GIVE_BACK = "give_back"


class FieldStatus(StrEnum):
    """Where a handed-over unit stands: in service, back at the workshop, lost or destroyed."""

    IN_SERVICE = "in_service"
    RETURNED = "returned"
    LOST = "lost"
    DESTROYED = "destroyed"
