"""MSP command ids and one typed payload per command, in one import.

Each payload class has `cmd` (its Cmd), `decode(payload)` (reads what it knows, keeps the rest
as `extra`, raises ProtocolError only when the fixed part is missing) and `encode()` (the
simulator answers with the same layouts). The layouts live in identity.py, status.py and
telemetry.py; this module gathers them.
"""

from __future__ import annotations

from .arming_flags import betaflight_arming_disable_names, inav_arming_disable_names
from .identity import (
    ApiVersion,
    BoardInfo,
    BuildInfo,
    FcVariant,
    FcVersion,
    McuInfo,
    McuUniqueId,
    Name,
)
from .msp import Cmd
from .status import (
    FcStatus,
    FeatureConfig,
    InavSensorStatus,
    InavStatus,
    InavStatusEx,
    SensorConfig,
    SensorConfigActive,
    StatusEx,
    sensor_names,
)
from .telemetry import (
    Analog,
    Attitude,
    BatteryState,
    EscTelemetry,
    InavAnalog,
    InavEscRpm,
    Motor,
    MotorConfig,
    MotorTelemetry,
    RawImu,
    Rc,
)

#: The Betaflight layout of each command (INAV's MSP_STATUS_EX is InavStatusEx).
MESSAGES: dict[Cmd, type] = {
    m.cmd: m
    for m in (
        ApiVersion, FcVariant, FcVersion, BoardInfo, BuildInfo, Name, McuUniqueId, McuInfo,
        FcStatus, StatusEx, InavStatus, InavSensorStatus, SensorConfig, SensorConfigActive,
        FeatureConfig, Analog, BatteryState, InavAnalog, Attitude, RawImu, Rc, Motor,
        MotorTelemetry, MotorConfig, InavEscRpm,
    )
}  # fmt: skip

__all__ = [
    "MESSAGES",
    "Analog",
    "ApiVersion",
    "Attitude",
    "BatteryState",
    "BoardInfo",
    "BuildInfo",
    "Cmd",
    "EscTelemetry",
    "FcVariant",
    "FcVersion",
    "FeatureConfig",
    "InavAnalog",
    "InavEscRpm",
    "InavSensorStatus",
    "InavStatus",
    "InavStatusEx",
    "McuInfo",
    "Motor",
    "MotorConfig",
    "MotorTelemetry",
    "Name",
    "RawImu",
    "Rc",
    "SensorConfig",
    "SensorConfigActive",
    "FcStatus",
    "StatusEx",
    "McuUniqueId",
    "betaflight_arming_disable_names",
    "inav_arming_disable_names",
    "sensor_names",
]  # fmt: skip
