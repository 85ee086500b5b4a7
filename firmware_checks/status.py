"""Payloads that say how a flight controller is: sensors, arming flags, features.

Betaflight layouts from src/main/msp/msp.c (MSP_STATUS / MSP_STATUS_EX share one), INAV's from
fc_msp.c (its MSP_STATUS_EX differs from Betaflight's after the first 13 bytes, hence its own
class). Checked against tests/fixtures/firmware/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .arming_flags import INAV_ARMED_BIT, betaflight_arming_disable_names, inav_arming_disable_names
from .msp import Cmd
from .payload import Reader, Writer

#: Sensor bits of MSP_STATUS(_EX) on Betaflight.
BETAFLIGHT_SENSOR_BITS: tuple[str, ...] = ("ACC", "BARO", "MAG", "GPS", "RANGEFINDER", "GYRO")
#: Sensor bits of INAV's packSensorStatus(); INAV cannot run without a gyro, so it has no bit.
INAV_SENSOR_BITS: tuple[str, ...] = (
    "ACC",
    "BARO",
    "MAG",
    "GPS",
    "RANGEFINDER",
    "OPFLOW",
    "PITOT",
    "TEMP",
)
INAV_HARDWARE_FAILURE_BIT = 15

#: Betaflight featureNames (src/main/config/feature.c), by bit.
BETAFLIGHT_FEATURE_BITS: dict[int, str] = {
    0: "RX_PPM", 2: "INFLIGHT_ACC_CAL", 3: "RX_SERIAL", 4: "MOTOR_STOP", 5: "SERVO_TILT",
    6: "SOFTSERIAL", 7: "GPS", 9: "RANGEFINDER", 10: "TELEMETRY", 12: "3D",
    13: "RX_PARALLEL_PWM", 14: "RX_MSP", 15: "RSSI_ADC", 16: "LED_STRIP", 17: "DISPLAY",
    18: "OSD", 20: "CHANNEL_FORWARDING", 21: "TRANSPONDER", 22: "AIRMODE", 25: "RX_SPI",
    27: "ESC_SENSOR", 28: "ANTI_GRAVITY",
}  # fmt: skip


def sensor_names(mask: int, bits: tuple[str, ...]) -> list[str]:
    """Names of the set sensor bits, in bit order."""
    return [name for bit, name in enumerate(bits) if mask >> bit & 1]


def _read_flags_tail(r: Reader) -> tuple[int, int, int, int, int, int | None, int | None]:
    """The status tail from the extra mode flags on.

    Returns the extra mode byte count and bits, the arming flag count and flags, the config
    state, the CPU temperature and the rate profile count (the last two None where the payload
    ends before them).
    """
    extra_mode_bytes = r.u8() & 0x0F  # the low 4 bits are the count
    extra_modes = int.from_bytes(r.raw(extra_mode_bytes), "little")
    r.require(6)
    count, flags, config_state = r.u8(), r.u32(), r.u8()
    cpu_temp = r.u16() if r.has(2) else None  # API 1.46 (4.5) on
    rate_profile_count = r.u8() if r.has(1) else None  # API 1.47 (2025.12) on
    return extra_mode_bytes, extra_modes, count, flags, config_state, cpu_temp, rate_profile_count


@dataclass(frozen=True)
class StatusEx:
    """Betaflight MSP_STATUS_EX (150). For INAV use InavStatus (MSP2_INAV_STATUS)."""

    cmd: ClassVar[Cmd] = Cmd.MSP_STATUS_EX
    cycle_time_us: int
    i2c_errors: int
    sensors_mask: int
    flight_mode_flags: int  # box bits: bit 0 is ARM
    pid_profile: int
    cpu_load_percent: int
    pid_profile_count: int
    rate_profile: int
    arming_disable_flags_count: int
    arming_disable_flags: int
    config_state_flags: int
    cpu_temp_c: int | None = None
    control_rate_profile_count: int | None = None
    extra_mode_flag_bytes: int = 0  # how many flight mode bytes beyond the first 32 bits were sent
    extra: bytes = b""

    NAME: ClassVar[str] = "MSP_STATUS_EX"

    @classmethod
    def decode(cls, payload: bytes) -> StatusEx:
        r = Reader(payload, cls.NAME)
        r.require(16)
        head = (r.u16(), r.u16(), r.u16())
        modes_lo, pid_profile, load = r.u32(), r.u8(), r.u16()
        middle = (r.u8(), r.u8())
        extra_n, extra_modes, count, flags, config, temp, rates = _read_flags_tail(r)
        return cls(
            *head, modes_lo | extra_modes << 32, pid_profile, load, *middle,
            count, flags, config, temp, rates, extra_n, r.rest(),
        )  # fmt: skip

    def _write_profiles(self, w: Writer) -> None:
        w.u8(self.pid_profile_count).u8(self.rate_profile)

    def encode(self) -> bytes:
        w = Writer().u16(self.cycle_time_us).u16(self.i2c_errors).u16(self.sensors_mask)
        w.u32(self.flight_mode_flags & 0xFFFFFFFF).u8(self.pid_profile).u16(self.cpu_load_percent)
        self._write_profiles(w)
        w.u8(self.extra_mode_flag_bytes)
        w.raw((self.flight_mode_flags >> 32).to_bytes(self.extra_mode_flag_bytes, "little"))
        w.u8(self.arming_disable_flags_count).u32(self.arming_disable_flags).u8(
            self.config_state_flags
        )
        if self.cpu_temp_c is not None:
            w.u16(self.cpu_temp_c)
            if self.control_rate_profile_count is not None:
                w.u8(self.control_rate_profile_count)
        return w.raw(self.extra).payload()

    @property
    def sensors(self) -> list[str]:
        return sensor_names(self.sensors_mask, BETAFLIGHT_SENSOR_BITS)

    @property
    def arming_disable_flag_names(self) -> list[str]:
        """The names in their newest spelling; arming_disable_flag_names_for(api) picks by API."""
        return self.arming_disable_flag_names_for(None)

    def arming_disable_flag_names_for(self, api: tuple[int, int] | None) -> list[str]:
        """The names as the firmware with MSP API version `api` (major, minor) calls them."""
        return betaflight_arming_disable_names(
            self.arming_disable_flags, self.arming_disable_flags_count, api
        )

    @property
    def armed(self) -> bool:
        return bool(self.flight_mode_flags & 1)

    @property
    def reboot_required(self) -> bool:
        return bool(self.config_state_flags & 1)


@dataclass(frozen=True)
class FcStatus(StatusEx):
    """Betaflight MSP_STATUS (101): MSP_STATUS_EX with a (zero) gyro cycle time in place of
    the profile counts; pid_profile_count and rate_profile are 0 here."""

    cmd: ClassVar[Cmd] = Cmd.MSP_STATUS
    gyro_cycle_time: int = 0

    NAME: ClassVar[str] = "MSP_STATUS"

    @classmethod
    def decode(cls, payload: bytes) -> FcStatus:
        r = Reader(payload, cls.NAME)
        r.require(16)
        head = (r.u16(), r.u16(), r.u16())
        modes_lo, pid_profile, load, gyro_cycle = r.u32(), r.u8(), r.u16(), r.u16()
        extra_n, extra_modes, count, flags, config, temp, rates = _read_flags_tail(r)
        return cls(
            *head, modes_lo | extra_modes << 32, pid_profile, load, 0, 0,
            count, flags, config, temp, rates, extra_n, r.rest(), gyro_cycle_time=gyro_cycle,
        )  # fmt: skip

    def _write_profiles(self, w: Writer) -> None:
        w.u16(self.gyro_cycle_time)


@dataclass(frozen=True)
class InavStatus:
    """INAV MSP2_INAV_STATUS (0x2000): full 32-bit arming flags and box modes."""

    cmd: ClassVar[Cmd] = Cmd.MSP2_INAV_STATUS
    cycle_time_us: int
    i2c_errors: int
    sensors_mask: int
    cpu_load_percent: int
    profile: int  # low nibble of the profile byte
    battery_profile: int  # high nibble
    arming_flags: int
    active_modes: bytes  # the box mode bitmask, as sent
    mixer_profile: int | None = None
    extra: bytes = b""

    MODES_SIZE: ClassVar[int] = 8

    @classmethod
    def decode(cls, payload: bytes) -> InavStatus:
        r = Reader(payload, "MSP2_INAV_STATUS")
        r.require(13 + cls.MODES_SIZE)
        head = (r.u16(), r.u16(), r.u16(), r.u16())
        profiles = r.u8()
        arming, modes = r.u32(), r.raw(cls.MODES_SIZE)
        mixer = r.u8() if r.has(1) else None
        return cls(*head, profiles & 0x0F, profiles >> 4, arming, modes, mixer, r.rest())

    def encode(self) -> bytes:
        w = Writer().u16(self.cycle_time_us).u16(self.i2c_errors).u16(self.sensors_mask)
        w.u16(self.cpu_load_percent).u8(self.battery_profile << 4 | self.profile)
        w.u32(self.arming_flags).raw(self.active_modes)
        if self.mixer_profile is not None:
            w.u8(self.mixer_profile)
        return w.raw(self.extra).payload()

    @property
    def sensors(self) -> list[str]:
        return sensor_names(self.sensors_mask, INAV_SENSOR_BITS)

    @property
    def hardware_healthy(self) -> bool:
        return not self.sensors_mask >> INAV_HARDWARE_FAILURE_BIT & 1

    @property
    def arming_disable_flag_names(self) -> list[str]:
        return inav_arming_disable_names(self.arming_flags)

    @property
    def armed(self) -> bool:
        return bool(self.arming_flags >> INAV_ARMED_BIT & 1)


@dataclass(frozen=True)
class InavStatusEx:
    """INAV MSP_STATUS_EX (150): only the low 16 arming flag bits; prefer InavStatus."""

    cmd: ClassVar[Cmd] = Cmd.MSP_STATUS_EX
    cycle_time_us: int
    i2c_errors: int
    sensors_mask: int
    box_mode_flags: int  # low 32 bits
    profile: int
    cpu_load_percent: int
    arming_flags: int  # low 16 bits only
    acc_calibration_axis_flags: int
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> InavStatusEx:
        r = Reader(payload, "MSP_STATUS_EX (INAV)")
        r.require(16)
        return cls(r.u16(), r.u16(), r.u16(), r.u32(), r.u8(), r.u16(), r.u16(), r.u8(), r.rest())

    def encode(self) -> bytes:
        w = Writer().u16(self.cycle_time_us).u16(self.i2c_errors).u16(self.sensors_mask)
        w.u32(self.box_mode_flags).u8(self.profile).u16(self.cpu_load_percent)
        w.u16(self.arming_flags).u8(self.acc_calibration_axis_flags)
        return w.raw(self.extra).payload()

    @property
    def sensors(self) -> list[str]:
        return sensor_names(self.sensors_mask, INAV_SENSOR_BITS)


#: INAV hardwareSensorStatus_e.
INAV_SENSOR_HEALTH: tuple[str, ...] = ("NONE", "OK", "UNAVAILABLE", "UNHEALTHY")
INAV_SENSOR_STATUS_ORDER: tuple[str, ...] = (
    "GYRO",
    "ACC",
    "MAG",
    "BARO",
    "GPS",
    "RANGEFINDER",
    "PITOT",
    "OPFLOW",
)


@dataclass(frozen=True)
class InavSensorStatus:
    """INAV MSP_SENSOR_STATUS (151): overall health, then one status byte per sensor."""

    cmd: ClassVar[Cmd] = Cmd.MSP_SENSOR_STATUS
    hardware_healthy: bool
    statuses: tuple[int, ...]  # in INAV_SENSOR_STATUS_ORDER
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> InavSensorStatus:
        r = Reader(payload, "MSP_SENSOR_STATUS")
        r.require(1 + len(INAV_SENSOR_STATUS_ORDER))
        healthy = bool(r.u8())
        return cls(healthy, tuple(r.u8() for _ in INAV_SENSOR_STATUS_ORDER), r.rest())

    def encode(self) -> bytes:
        w = Writer().u8(int(self.hardware_healthy))
        for status in self.statuses:
            w.u8(status)
        return w.raw(self.extra).payload()

    @property
    def by_sensor(self) -> dict[str, str]:
        return {
            name: INAV_SENSOR_HEALTH[s] if s < len(INAV_SENSOR_HEALTH) else f"STATUS{s}"
            for name, s in zip(INAV_SENSOR_STATUS_ORDER, self.statuses, strict=True)
        }

    @property
    def detected(self) -> list[str]:
        """Sensors present and working (OK or UNHEALTHY: there, but complaining)."""
        return [
            name
            for name, s in zip(INAV_SENSOR_STATUS_ORDER, self.statuses, strict=True)
            if s in (1, 3)
        ]


@dataclass(frozen=True)
class SensorConfig:
    """MSP_SENSOR_CONFIG: configured hardware per sensor (0 = auto-detect, 1 = none)."""

    cmd: ClassVar[Cmd] = Cmd.MSP_SENSOR_CONFIG
    acc_hardware: int
    baro_hardware: int
    mag_hardware: int
    rangefinder_hardware: int | None = None  # API 1.46 on
    opticalflow_hardware: int | None = None  # API 1.47 on
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> SensorConfig:
        r = Reader(payload, "MSP_SENSOR_CONFIG")
        fixed = (r.u8(), r.u8(), r.u8())
        rangefinder = r.u8() if r.has(1) else None
        opticalflow = r.u8() if r.has(1) else None
        return cls(*fixed, rangefinder, opticalflow, r.rest())

    def encode(self) -> bytes:
        w = Writer().u8(self.acc_hardware).u8(self.baro_hardware).u8(self.mag_hardware)
        for value in (self.rangefinder_hardware, self.opticalflow_hardware):
            if value is None:
                break
            w.u8(value)
        return w.raw(self.extra).payload()


@dataclass(frozen=True)
class SensorConfigActive:
    """MSP2_SENSOR_CONFIG_ACTIVE: detected hardware type per sensor; 255 = not built in."""

    cmd: ClassVar[Cmd] = Cmd.MSP2_SENSOR_CONFIG_ACTIVE
    gyro: int
    acc: int
    baro: int
    mag: int
    rangefinder: int | None = None
    opticalflow: int | None = None  # API 1.47 on
    extra: bytes = b""

    NOT_BUILT_IN: ClassVar[int] = 255

    @classmethod
    def decode(cls, payload: bytes) -> SensorConfigActive:
        r = Reader(payload, "MSP2_SENSOR_CONFIG_ACTIVE")
        fixed = (r.u8(), r.u8(), r.u8(), r.u8())
        rangefinder = r.u8() if r.has(1) else None
        opticalflow = r.u8() if r.has(1) else None
        return cls(*fixed, rangefinder, opticalflow, r.rest())

    def encode(self) -> bytes:
        w = Writer().u8(self.gyro).u8(self.acc).u8(self.baro).u8(self.mag)
        for value in (self.rangefinder, self.opticalflow):
            if value is None:
                break
            w.u8(value)
        return w.raw(self.extra).payload()


@dataclass(frozen=True)
class FeatureConfig:
    cmd: ClassVar[Cmd] = Cmd.MSP_FEATURE_CONFIG
    features_mask: int
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> FeatureConfig:
        r = Reader(payload, "MSP_FEATURE_CONFIG")
        return cls(r.u32(), r.rest())

    def encode(self) -> bytes:
        return Writer().u32(self.features_mask).raw(self.extra).payload()

    @property
    def betaflight_features(self) -> list[str]:
        """Feature names as Betaflight calls them (INAV numbers its features differently)."""
        bits = range(self.features_mask.bit_length())
        return [
            BETAFLIGHT_FEATURE_BITS.get(b, f"BIT{b}") for b in bits if self.features_mask >> b & 1
        ]
