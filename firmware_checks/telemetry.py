"""Payloads of live state: battery, attitude, IMU, receiver, motors, ESC telemetry.

Layouts from Betaflight src/main/msp/msp.c and INAV fc_msp.c, checked against
tests/fixtures/firmware/. Units are kept as sent; properties convert to SI-ish units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .msp import Cmd
from .payload import Reader, Writer

#: Betaflight batteryState_e / INAV batteryState_e.
BATTERY_STATES: tuple[str, ...] = ("OK", "WARNING", "CRITICAL", "NOT_PRESENT", "INIT")


def battery_state_name(state: int) -> str:
    return BATTERY_STATES[state] if state < len(BATTERY_STATES) else f"STATE{state}"


@dataclass(frozen=True)
class Analog:
    """MSP_ANALOG: 9 bytes on Betaflight, 7 on INAV (no 0.01 V voltage)."""

    cmd: ClassVar[Cmd] = Cmd.MSP_ANALOG
    vbat_decivolts: int  # legacy 0.1 V
    mah_drawn: int
    rssi: int  # 0..1023
    amperage_centiamps: int  # signed 0.01 A
    vbat_centivolts: int | None = None  # Betaflight only
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> Analog:
        r = Reader(payload, "MSP_ANALOG")
        fixed = (r.u8(), r.u16(), r.u16(), r.i16())
        vbat = r.u16() if r.has(2) else None
        return cls(*fixed, vbat, r.rest())

    def encode(self) -> bytes:
        w = (
            Writer()
            .u8(self.vbat_decivolts)
            .u16(self.mah_drawn)
            .u16(self.rssi)
            .i16(self.amperage_centiamps)
        )
        if self.vbat_centivolts is not None:
            w.u16(self.vbat_centivolts)
        return w.raw(self.extra).payload()

    @property
    def voltage(self) -> float:
        """Volts, from the finer field where the firmware sends it."""
        if self.vbat_centivolts is not None:
            return self.vbat_centivolts / 100
        return self.vbat_decivolts / 10

    @property
    def current(self) -> float:
        return self.amperage_centiamps / 100


@dataclass(frozen=True)
class BatteryState:
    """MSP_BATTERY_STATE (Betaflight): cell count 0 means no battery detected."""

    cmd: ClassVar[Cmd] = Cmd.MSP_BATTERY_STATE
    cell_count: int
    capacity_mah: int
    vbat_decivolts: int
    mah_drawn: int
    amperage_centiamps: int
    state: int  # BATTERY_STATES
    vbat_centivolts: int | None = None
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> BatteryState:
        r = Reader(payload, "MSP_BATTERY_STATE")
        fixed = (r.u8(), r.u16(), r.u8(), r.u16(), r.i16(), r.u8())
        vbat = r.u16() if r.has(2) else None
        return cls(*fixed, vbat, r.rest())

    def encode(self) -> bytes:
        w = Writer().u8(self.cell_count).u16(self.capacity_mah).u8(self.vbat_decivolts)
        w.u16(self.mah_drawn).i16(self.amperage_centiamps).u8(self.state)
        if self.vbat_centivolts is not None:
            w.u16(self.vbat_centivolts)
        return w.raw(self.extra).payload()

    @property
    def voltage(self) -> float:
        if self.vbat_centivolts is not None:
            return self.vbat_centivolts / 100
        return self.vbat_decivolts / 10

    @property
    def current(self) -> float:
        return self.amperage_centiamps / 100

    @property
    def state_name(self) -> str:
        return battery_state_name(self.state)


@dataclass(frozen=True)
class InavAnalog:
    """INAV MSP2_INAV_ANALOG (0x2002)."""

    cmd: ClassVar[Cmd] = Cmd.MSP2_INAV_ANALOG
    battery_flags: int  # bit 0 full when plugged, bit 1 uses capacity, bits 2-3 state, 4-7 cells
    vbat_centivolts: int
    amperage_centiamps: int
    power_milliwatts: int
    mah_drawn: int
    mwh_drawn: int
    remaining_capacity: int
    percentage: int
    rssi: int
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> InavAnalog:
        r = Reader(payload, "MSP2_INAV_ANALOG")
        r.require(24)
        return cls(
            r.u8(), r.u16(), r.i16(), r.u32(), r.u32(), r.u32(), r.u32(), r.u8(), r.u16(), r.rest()
        )

    def encode(self) -> bytes:
        w = Writer().u8(self.battery_flags).u16(self.vbat_centivolts).i16(self.amperage_centiamps)
        w.u32(self.power_milliwatts).u32(self.mah_drawn).u32(self.mwh_drawn)
        w.u32(self.remaining_capacity).u8(self.percentage).u16(self.rssi)
        return w.raw(self.extra).payload()

    @property
    def cell_count(self) -> int:
        return self.battery_flags >> 4

    @property
    def state(self) -> int:
        return self.battery_flags >> 2 & 0x3

    @property
    def state_name(self) -> str:
        return battery_state_name(self.state)

    @property
    def voltage(self) -> float:
        return self.vbat_centivolts / 100

    @property
    def current(self) -> float:
        return self.amperage_centiamps / 100


@dataclass(frozen=True)
class Attitude:
    cmd: ClassVar[Cmd] = Cmd.MSP_ATTITUDE
    roll_decidegrees: int
    pitch_decidegrees: int
    yaw_degrees: int
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> Attitude:
        r = Reader(payload, "MSP_ATTITUDE")
        return cls(r.i16(), r.i16(), r.i16(), r.rest())

    def encode(self) -> bytes:
        w = Writer().i16(self.roll_decidegrees).i16(self.pitch_decidegrees).i16(self.yaw_degrees)
        return w.raw(self.extra).payload()

    @property
    def roll(self) -> float:
        return self.roll_decidegrees / 10

    @property
    def pitch(self) -> float:
        return self.pitch_decidegrees / 10

    @property
    def yaw(self) -> float:
        return float(self.yaw_degrees)


@dataclass(frozen=True)
class RawImu:
    """MSP_RAW_IMU: accelerometer (raw units), gyro (deg/s), magnetometer (raw), signed."""

    cmd: ClassVar[Cmd] = Cmd.MSP_RAW_IMU
    acc: tuple[int, int, int]
    gyro: tuple[int, int, int]
    mag: tuple[int, int, int]
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> RawImu:
        r = Reader(payload, "MSP_RAW_IMU")
        r.require(18)
        acc, gyro, mag = ((r.i16(), r.i16(), r.i16()) for _ in range(3))
        return cls(acc, gyro, mag, r.rest())

    def encode(self) -> bytes:
        w = Writer()
        for value in (*self.acc, *self.gyro, *self.mag):
            w.i16(value)
        return w.raw(self.extra).payload()


def _read_u16s(r: Reader) -> tuple[tuple[int, ...], bytes]:
    values = []
    while r.has(2):
        values.append(r.u16())
    return tuple(values), r.rest()


def _write_u16s(values: tuple[int, ...], extra: bytes) -> bytes:
    w = Writer()
    for value in values:
        w.u16(value)
    return w.raw(extra).payload()


@dataclass(frozen=True)
class Rc:
    """MSP_RC: every receiver channel the firmware has, in microseconds (1000..2000)."""

    cmd: ClassVar[Cmd] = Cmd.MSP_RC
    channels: tuple[int, ...]
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> Rc:
        return cls(*_read_u16s(Reader(payload, "MSP_RC")))

    def encode(self) -> bytes:
        return _write_u16s(self.channels, self.extra)


@dataclass(frozen=True)
class Motor:
    """MSP_MOTOR: motor outputs (Betaflight sends 8, unused ones 0)."""

    cmd: ClassVar[Cmd] = Cmd.MSP_MOTOR
    outputs: tuple[int, ...]
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> Motor:
        return cls(*_read_u16s(Reader(payload, "MSP_MOTOR")))

    def encode(self) -> bytes:
        return _write_u16s(self.outputs, self.extra)


@dataclass(frozen=True)
class EscTelemetry:
    """One motor's entry in MSP_MOTOR_TELEMETRY."""

    rpm: int
    invalid_percent_centi: int  # 0.01 % of DShot telemetry frames that were invalid
    temperature_c: int
    voltage_centivolts: int
    current_centiamps: int
    consumption_mah: int

    SIZE: ClassVar[int] = 13


@dataclass(frozen=True)
class MotorTelemetry:
    """MSP_MOTOR_TELEMETRY (Betaflight): motor count, then 13 bytes a motor."""

    cmd: ClassVar[Cmd] = Cmd.MSP_MOTOR_TELEMETRY
    motors: tuple[EscTelemetry, ...]
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> MotorTelemetry:
        r = Reader(payload, "MSP_MOTOR_TELEMETRY")
        count = r.u8()
        r.require(count * EscTelemetry.SIZE)
        motors = tuple(
            EscTelemetry(r.u32(), r.u16(), r.u8(), r.u16(), r.u16(), r.u16()) for _ in range(count)
        )
        return cls(motors, r.rest())

    def encode(self) -> bytes:
        w = Writer().u8(len(self.motors))
        for m in self.motors:
            w.u32(m.rpm).u16(m.invalid_percent_centi).u8(m.temperature_c)
            w.u16(m.voltage_centivolts).u16(m.current_centiamps).u16(m.consumption_mah)
        return w.raw(self.extra).payload()

    @property
    def rpm(self) -> list[int]:
        return [m.rpm for m in self.motors]


@dataclass(frozen=True)
class InavEscRpm:
    """INAV MSP2_INAV_ESC_RPM (0x2040): one u32 rpm a motor, getMotorCount() of them, nothing else.

    Number from INAV src/main/msp/msp_protocol_v2_inav.h; layout from INAV's
    docs/development/msp/msp_ref.md (`escRpm`, uint32_t, "RPM reported by the ESC", repeated,
    the size depending on the motor count; "Requires USE_ESC_SENSOR"). Builds without
    USE_ESC_SENSOR do not know the command and answer it with an error frame.
    """

    cmd: ClassVar[Cmd] = Cmd.MSP2_INAV_ESC_RPM
    rpm: tuple[int, ...]
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> InavEscRpm:
        r = Reader(payload, "MSP2_INAV_ESC_RPM")
        values = []
        while r.has(4):
            values.append(r.u32())
        return cls(tuple(values), r.rest())

    def encode(self) -> bytes:
        w = Writer()
        for value in self.rpm:
            w.u32(value)
        return w.raw(self.extra).payload()


@dataclass(frozen=True)
class MotorConfig:
    """MSP_MOTOR_CONFIG (Betaflight)."""

    cmd: ClassVar[Cmd] = Cmd.MSP_MOTOR_CONFIG
    min_throttle: int  # 0 from 2025.12 (setting removed)
    max_throttle: int
    min_command: int
    motor_count: int | None = None
    motor_pole_count: int | None = None
    use_dshot_telemetry: bool | None = None
    esc_sensor_enabled: bool | None = None
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> MotorConfig:
        r = Reader(payload, "MSP_MOTOR_CONFIG")
        fixed = (r.u16(), r.u16(), r.u16())
        if not r.has(4):
            return cls(*fixed, extra=r.rest())
        return cls(*fixed, r.u8(), r.u8(), bool(r.u8()), bool(r.u8()), r.rest())

    def encode(self) -> bytes:
        w = Writer().u16(self.min_throttle).u16(self.max_throttle).u16(self.min_command)
        if self.motor_count is not None:
            w.u8(self.motor_count).u8(self.motor_pole_count or 0)
            w.u8(int(bool(self.use_dshot_telemetry))).u8(int(bool(self.esc_sensor_enabled)))
        return w.raw(self.extra).payload()
