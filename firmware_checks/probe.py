"""Everything `probe` reports about a flight controller, gathered in as few requests as possible."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from .client import Answers, FlightController, command_name
from .errors import ProtocolError, UnsupportedCommand
from .identity import ApiVersion, BoardInfo, BuildInfo, FcVariant, FcVersion, McuUniqueId, Name
from .payload import M, Message
from .status import InavSensorStatus, InavStatus, StatusEx
from .telemetry import (
    Attitude,
    BatteryState,
    InavAnalog,
    InavEscRpm,
    Motor,
    MotorTelemetry,
    RawImu,
    Rc,
)

BETAFLIGHT = "BTFL"
INAV = "INAV"


@dataclass
class EscReading:
    """One motor's ESC telemetry; None for a field the firmware does not send.

    Betaflight (MSP_MOTOR_TELEMETRY) sends every field, 0 where it has no data for it (no DShot
    telemetry, no ESC sensor), so a 0 there is what the firmware said, not "not reported".
    INAV (MSP2_INAV_ESC_RPM) sends only the rpm.
    """

    rpm: int | None = None
    invalid_percent: float | None = None  # % of DShot telemetry frames that were invalid
    temperature_c: int | None = None
    voltage: float | None = None  # V
    current: float | None = None  # A
    consumption_mah: int | None = None


@dataclass
class ProbeResult:
    """The facts `probe` prints; None where the firmware does not report one."""

    variant: str  # "BTFL", "INAV", ...
    version: str  # "4.5.5", "2025.12.5"
    api_version: str  # "1.46"
    board_id: str  # "S7X2", "SITL"
    target: str  # "STM32F7X2", "SITL"
    board_name: str | None = None
    manufacturer_id: str | None = None
    build_date: str | None = None  # "Nov 27 2026"
    build_time: str | None = None
    git_revision: str | None = None
    uid: str | None = None  # MCU unique id, hex
    craft_name: str | None = None
    sensors: list[str] = field(default_factory=list)  # lowercase: "gyro", "acc", "baro", "mag", ...
    arming_disable_flags: list[str] = field(default_factory=list)
    armed: bool | None = None
    battery_voltage: float | None = None  # V
    cell_count: int | None = None  # 0: no battery detected (USB power)
    battery_state: str | None = None  # "OK", "WARNING", "CRITICAL", "NOT_PRESENT", "INIT"
    current: float | None = None  # A
    mah_drawn: int | None = None
    attitude: tuple[float, float, float] | None = None  # roll, pitch, yaw in degrees
    rc_channels: list[int] | None = None  # µs
    motors: list[int] | None = None
    rpm: list[int] | None = None  # ESC telemetry; None where the firmware does not report it
    esc: list[EscReading] | None = None  # every ESC telemetry field, a motor each; None as rpm
    unsupported: list[str] = field(default_factory=list)  # commands answered with an error frame
    problems: list[str] = field(default_factory=list)  # answers that could not be decoded
    requests: int = 0  # MSP requests written, retries included

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["attitude"] = list(self.attitude) if self.attitude is not None else None
        return data


#: Asked together once the variant is known: v1 commands without arguments, short answers.
_IDENTITY: tuple[type[Message], ...] = (ApiVersion, FcVersion, BoardInfo)
_COMMON: tuple[type[Message], ...] = (BuildInfo, McuUniqueId, Name, Attitude, Rc, Motor)
_BETAFLIGHT_STATE: tuple[type[Message], ...] = (StatusEx, BatteryState, MotorTelemetry)
#: Betaflight answers an unknown command inside a batch with an error frame from this API on;
#: before, with an empty answer (batch.py).
_BATCH_ERRORS_FOR_UNKNOWN_FROM_API = (1, 47)


class _Asker:
    """Reads facts from answers fetched together, asking alone for the rest.

    An error frame gives None, listed in `unsupported`; an undecodable answer gives None, listed
    in `problems`.
    """

    def __init__(self, fc: FlightController, result: ProbeResult, answers: Answers,
                 asked: set[int], empty_may_mean_unknown: bool) -> None:  # fmt: skip
        self.fc = fc
        self.result = result
        self.answers = answers
        self.asked = asked
        self.empty_may_mean_unknown = empty_may_mean_unknown

    def optional(
        self, message_type: type[M], decode: Callable[[bytes], M] | None = None
    ) -> M | None:
        cmd = message_type.cmd
        if cmd in self.answers:
            payload = self.answers[cmd]
        elif cmd in self.asked:  # request_many leaves out what came back as an error frame
            self.result.unsupported.append(command_name(cmd))
            return None
        else:
            try:
                payload = self.fc.request(cmd)
            except UnsupportedCommand:
                self.result.unsupported.append(command_name(cmd))
                return None
        try:
            return (decode or message_type.decode)(payload)
        except ProtocolError as exc:
            if not payload and cmd in self.answers.batched and self.empty_may_mean_unknown:
                # Betaflight before 2025.12 says "unknown" inside a batch with an empty answer.
                self.result.unsupported.append(command_name(cmd))
            else:
                self.result.problems.append(str(exc))
            return None


def _required(answers: Answers, message_type: type[M]) -> M:
    cmd = message_type.cmd
    if cmd not in answers:
        name = command_name(cmd)
        raise UnsupportedCommand(
            cmd, f"the flight controller does not support {name} (it answered with an error frame)"
        )
    return message_type.decode(answers[cmd])


def probe(fc: FlightController) -> ProbeResult:
    """Read identity and live state; NoResponse / Disconnected / ProtocolError end it.

    Identity (variant, version, API, board) is required; everything else is optional: a command
    the firmware does not support leaves its fact None and is listed in `unsupported`. The
    variant comes first, alone; the facts that need no argument then come in one
    MSP_MULTIPLE_MSP batch where the firmware answers it (Betaflight: two requests in all).
    """
    start = fc.requests_sent
    variant = fc.ask(FcVariant).variant
    wanted = _IDENTITY + _COMMON + (() if variant == INAV else _BETAFLIGHT_STATE)
    answers = fc.request_many(t.cmd for t in wanted)
    api = _required(answers, ApiVersion)
    version = _required(answers, FcVersion)
    board = _required(answers, BoardInfo)
    result = ProbeResult(
        variant=variant,
        version=str(version),
        api_version=str(api),
        board_id=board.board_identifier,
        target=board.target_name,
        board_name=board.board_name or None,
        manufacturer_id=board.manufacturer_id or None,
    )
    empty_may_mean_unknown = not (
        variant == BETAFLIGHT and api.version >= _BATCH_ERRORS_FOR_UNKNOWN_FROM_API
    )
    asker = _Asker(fc, result, answers, {t.cmd for t in wanted}, empty_may_mean_unknown)
    revision_length = 8 if variant == INAV else 7
    build = asker.optional(BuildInfo, lambda p: BuildInfo.decode(p, revision_length))
    if build is not None:
        result.build_date, result.build_time, result.git_revision = (
            build.build_date,
            build.build_time,
            build.git_revision,
        )
    uid = asker.optional(McuUniqueId)
    result.uid = uid.hex if uid is not None else None
    name = asker.optional(Name)
    result.craft_name = name.craft_name if name is not None else None

    if variant == INAV:
        _inav_state(asker, result)
    else:
        _betaflight_state(asker, result, api.version)

    attitude = asker.optional(Attitude)
    if attitude is not None:
        result.attitude = (attitude.roll, attitude.pitch, attitude.yaw)
    rc = asker.optional(Rc)
    result.rc_channels = list(rc.channels) if rc is not None else None
    motor = asker.optional(Motor)
    result.motors = list(motor.outputs) if motor is not None else None
    result.requests = fc.requests_sent - start
    return result


def _betaflight_state(asker: _Asker, result: ProbeResult, api: tuple[int, int]) -> None:
    """Betaflight and firmware that speaks its MSP dialect."""
    status = asker.optional(StatusEx)
    if status is not None:
        result.sensors = _gyro_first([s.lower() for s in status.sensors])
        result.arming_disable_flags = status.arming_disable_flag_names_for(api)
        result.armed = status.armed
    _battery(asker.optional(BatteryState), result)
    telemetry = asker.optional(MotorTelemetry)
    if telemetry is not None:
        result.rpm = telemetry.rpm
        result.esc = [
            EscReading(
                rpm=e.rpm, invalid_percent=e.invalid_percent_centi / 100,
                temperature_c=e.temperature_c, voltage=e.voltage_centivolts / 100,
                current=e.current_centiamps / 100, consumption_mah=e.consumption_mah,
            )
            for e in telemetry.motors
        ]  # fmt: skip


def _inav_state(asker: _Asker, result: ProbeResult) -> None:
    status = asker.optional(InavStatus)
    if status is not None:
        result.arming_disable_flags = status.arming_disable_flag_names
        result.armed = status.armed
        sensors = [s.lower() for s in status.sensors]
        health = asker.optional(InavSensorStatus)
        # Without the sensor status: INAV halts at boot without a gyro, so a board that answers
        # MSP has one.
        has_gyro = health is None or "GYRO" in health.detected
        result.sensors = _gyro_first(sensors + (["gyro"] if has_gyro else []))
    _battery(asker.optional(InavAnalog), result)
    # INAV's own ESC command: rpm only (temperature, voltage... would need MSP2_INAV_ESC_TELEM,
    # whose escSensorData_t layout is not pinned down here). Builds without USE_ESC_SENSOR answer
    # with an error frame: the fact stays None and the command is listed in `unsupported`.
    esc_rpm = asker.optional(InavEscRpm)
    if esc_rpm is not None:
        result.rpm = list(esc_rpm.rpm)
        result.esc = [EscReading(rpm=rpm) for rpm in esc_rpm.rpm]


def _battery(reading: BatteryState | InavAnalog | None, result: ProbeResult) -> None:
    if reading is not None:
        result.battery_voltage = reading.voltage
        result.cell_count = reading.cell_count
        result.battery_state = reading.state_name
        result.current = reading.current
        result.mah_drawn = reading.mah_drawn


def _gyro_first(sensors: list[str]) -> list[str]:
    return sorted(sensors, key=lambda s: s != "gyro")


def sample_raw_imu(fc: FlightController, samples: int) -> list[RawImu]:
    """`samples` readings of MSP_RAW_IMU in turn (gyro in deg/s), for noise at rest."""
    return [fc.ask(RawImu) for _ in range(samples)]
