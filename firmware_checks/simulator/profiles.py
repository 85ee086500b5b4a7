"""What the simulated flight controller is: a firmware flavour, a board on the bench, a fault.

A `Profile` joins three things:
- a `Flavour`: what the firmware answers that does not change while it runs (identity, payload
  sizes, which commands exist, the CLI's wording), copied from tests/fixtures/firmware/;
- a `Bench`: the physical board and its surroundings (sensors, noise, battery, receiver,
  arming-disable reasons, settings that differ from the firmware defaults);
- a `LinkFault`, for the profiles that break the link itself (silent, garbage, drops_link).

Profile names: the fault names and flavour names of PROFILES, or "FLAVOUR+FAULT" (for example
"inav-9+low_battery") through `get_profile`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..arming_flags import BETAFLIGHT_ARMING_DISABLE_NAMES, INAV_ARMING_DISABLE_NAMES
from ..batch import OUTBUF_SIZE, BatchRules
from ..msp import Cmd
from ..status import SensorConfig


class LinkFault(Enum):
    """Faults of the link rather than of the board."""

    SILENT = "silent"  # the port opens, nothing ever comes back
    GARBAGE = "garbage"  # random bytes on the line between (valid) answers
    DROPS_LINK = "drops_link"  # the connection closes halfway through an answer


@dataclass(frozen=True)
class Flavour:
    """The firmware: facts that are the same on every board running it."""

    name: str
    firmware: str  # "betaflight" or "inav": picks payload layouts and the CLI dialect
    variant: str
    version: tuple[int, int, int]
    version_string: str | None  # MSP_FC_VERSION carries it from Betaflight 2025.12 on
    api: tuple[int, int]
    build_date: str
    build_time: str
    git_revision: str  # short git revision: 7 characters on Betaflight, 8 on INAV
    build_option_ids: tuple[int, ...]
    mcu_name: str
    # MSP_BOARD_INFO fields after the target name (Betaflight only)
    configuration_problems: int
    gyro_sample_rate_hz: int
    arming_flag_count: int  # Betaflight's table length, sent in MSP_STATUS(_EX)
    status_has_rate_profile_count: bool  # MSP_STATUS(_EX) grew a byte in 2025.12
    sensor_config: SensorConfig | None  # configured hardware (AUTO, NONE...); grew with the API
    sensor_hardware: dict[str, int]  # MSP2_SENSOR_CONFIG_ACTIVE ids of the virtual sensors
    sensor_active_fields: int  # 5 on 4.5, 6 from 2025.12 (opticalflow)
    features_mask: int
    min_throttle: int  # MSP_MOTOR_CONFIG's first field (0 when the firmware dropped it)
    commands: frozenset[int]  # everything else answers an error frame
    settings_file: str | None  # data/<name>.settings: defaults for get/set/diff
    task_period_s: float  # Betaflight's serial task: one request per 10 ms run; INAV ~0.5 ms
    rc_channel_count: int = 18
    motor_count: int = 4
    uid: tuple[int, int, int] = (0, 1, 2)
    batch_rules: BatchRules | None = None  # how MSP_MULTIPLE_MSP is answered (None: error frame)
    outbuf_size: int = OUTBUF_SIZE  # MSP_PORT_OUTBUF_SIZE: SITL and boards without flash

    @property
    def is_inav(self) -> bool:
        return self.firmware == "inav"

    def arming_flag_bit(self, name: str) -> int:
        """The bit of an arming-disable reason, by the name arming_flags.py gives it."""
        if self.is_inav:
            bits = {flag: bit for bit, flag in INAV_ARMING_DISABLE_NAMES.items()}
            return bits[name]
        return BETAFLIGHT_ARMING_DISABLE_NAMES[self.arming_flag_count].index(name)


@dataclass(frozen=True)
class Bench:
    """The board on the bench: what its sensors, battery and receiver say."""

    board_identifier: str = "SITL"
    target_name: str = "SITL"
    sensors: frozenset[str] = frozenset({"GYRO", "ACC", "BARO"})
    gyro_noise_dps: float = 0.5  # standard deviation of each raw gyro axis at rest
    acc_noise: float = 2.0  # raw units, 512 = 1 g
    level_roll_deg: float = 0.4
    level_pitch_deg: float = -0.7
    heading_deg: int = 87
    battery_cells: int = 4  # 0: USB power only
    cell_voltage: float = 4.05
    current_a: float = 0.42
    rc_link: bool = True
    arming_flags: tuple[str, ...] = ()  # reasons not to arm, by arming_flags.py name
    motor_max_rpm: int = 31000  # a 1960 kV motor on 4S, unloaded
    dshot_telemetry: bool = True
    # (section, name) -> value, applied over the firmware defaults at first boot
    settings: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    """One named way for the simulated flight controller to be."""

    name: str
    flavour: Flavour
    bench: Bench
    link_fault: LinkFault | None = None
    # drops_link: answers this many, then cuts the next answer. One, so that even a probe that
    # batches its questions (two requests on Betaflight) sees the link go.
    drop_after_requests: int = 1

    def with_fault(self, fault: str) -> Profile:
        """This profile's flavour with one of the named faults applied."""
        base = FAULTS[fault](self)
        return dataclasses.replace(base, name=f"{self.name}+{fault}")


_BETAFLIGHT_COMMANDS = frozenset(
    {
        Cmd.MSP_API_VERSION,
        Cmd.MSP_FC_VARIANT,
        Cmd.MSP_FC_VERSION,
        Cmd.MSP_BOARD_INFO,
        Cmd.MSP_BUILD_INFO,
        Cmd.MSP_NAME,
        Cmd.MSP_FEATURE_CONFIG,
        Cmd.MSP_SENSOR_CONFIG,
        Cmd.MSP_STATUS,
        Cmd.MSP_RAW_IMU,
        Cmd.MSP_MOTOR,
        Cmd.MSP_RC,
        Cmd.MSP_ATTITUDE,
        Cmd.MSP_ANALOG,
        Cmd.MSP_BATTERY_STATE,
        Cmd.MSP_MOTOR_CONFIG,
        Cmd.MSP_MOTOR_TELEMETRY,
        Cmd.MSP_STATUS_EX,
        Cmd.MSP_UID,
        Cmd.MSP2_SENSOR_CONFIG_ACTIVE,
        Cmd.MSP_SET_MOTOR,
        Cmd.MSP_MULTIPLE_MSP,
    }
)

BETAFLIGHT_4_5 = Flavour(
    name="betaflight-4.5",
    firmware="betaflight",
    variant="BTFL",
    version=(4, 5, 5),
    version_string=None,
    api=(1, 46),
    build_date="Nov 27 2026",
    build_time="13:48:09",
    git_revision="4adbd3e",
    build_option_ids=(16415, 8235),
    mcu_name="SIMULATOR",
    configuration_problems=2,  # MOTOR_PROTOCOL_DISABLED: the SITL default has no protocol
    gyro_sample_rate_hz=8000,
    arming_flag_count=26,
    status_has_rate_profile_count=False,
    sensor_config=SensorConfig(
        acc_hardware=0, baro_hardware=1, mag_hardware=1, rangefinder_hardware=0
    ),
    sensor_hardware={"GYRO": 20, "ACC": 21, "BARO": 11},
    sensor_active_fields=5,
    features_mask=0x10404000,
    min_throttle=1070,
    commands=_BETAFLIGHT_COMMANDS,
    settings_file="betaflight-4.5",
    task_period_s=0.010,
    batch_rules=BatchRules.EMPTY_FOR_UNKNOWN,
)

BETAFLIGHT_2025_12 = dataclasses.replace(
    BETAFLIGHT_4_5,
    name="betaflight-2025.12",
    version=(25, 12, 5),
    version_string="2025.12.5",
    api=(1, 47),
    build_time="13:46:36",
    git_revision="7348054",
    configuration_problems=0,
    arming_flag_count=29,
    status_has_rate_profile_count=True,
    sensor_config=SensorConfig(0, 1, 1, rangefinder_hardware=0, opticalflow_hardware=0),
    sensor_hardware={"GYRO": 23, "ACC": 22, "BARO": 11},
    sensor_active_fields=6,
    features_mask=0x10404000,
    min_throttle=0,
    commands=_BETAFLIGHT_COMMANDS | {Cmd.MSP2_MCU_INFO},
    settings_file="betaflight-2025.12",
    batch_rules=BatchRules.ERROR_FOR_UNKNOWN,
)

INAV_9 = Flavour(
    name="inav-9",
    firmware="inav",
    variant="INAV",
    version=(9, 0, 1),
    version_string=None,
    api=(2, 5),
    build_date="Feb 14 2026",
    build_time="00:14:07",
    git_revision="d44f2cf6",
    build_option_ids=(),
    mcu_name="SIMULATOR",
    configuration_problems=0,
    gyro_sample_rate_hz=0,
    arming_flag_count=0,
    status_has_rate_profile_count=False,
    sensor_config=None,
    sensor_hardware={},
    sensor_active_fields=0,
    features_mask=0x20400806,
    min_throttle=0,
    commands=frozenset(
        {
            Cmd.MSP_API_VERSION,
            Cmd.MSP_FC_VARIANT,
            Cmd.MSP_FC_VERSION,
            Cmd.MSP_BOARD_INFO,
            Cmd.MSP_BUILD_INFO,
            Cmd.MSP_NAME,
            Cmd.MSP_FEATURE_CONFIG,
            Cmd.MSP_STATUS,
            Cmd.MSP_STATUS_EX,
            Cmd.MSP_SENSOR_STATUS,
            Cmd.MSP_RAW_IMU,
            Cmd.MSP_MOTOR,
            Cmd.MSP_RC,
            Cmd.MSP_ATTITUDE,
            Cmd.MSP_ANALOG,
            Cmd.MSP_UID,
            Cmd.MSP2_INAV_STATUS,
            Cmd.MSP2_INAV_ANALOG,
            Cmd.MSP2_INAV_ESC_RPM,  # as a build with USE_ESC_SENSOR
            Cmd.MSP_SET_MOTOR,
        }
    ),
    settings_file=None,  # INAV's few known settings live in settings.INAV_DEFAULTS
    task_period_s=0.0,
    rc_channel_count=16,
)

FLAVOURS: dict[str, Flavour] = {f.name: f for f in (BETAFLIGHT_4_5, BETAFLIGHT_2025_12, INAV_9)}
DEFAULT_FLAVOUR = BETAFLIGHT_2025_12

#: A tuned bench quad: a few settings differ from the defaults, so a golden diff has content.
_TUNED_SETTINGS: dict[tuple[str, str], str] = {
    ("master", "motor_pwm_protocol"): "DSHOT600",
    ("master", "vbat_warning_cell_voltage"): "340",
    ("profile", "p_roll"): "48",
    ("profile", "d_roll"): "32",
    ("rateprofile", "roll_srate"): "70",
    ("rateprofile", "pitch_srate"): "70",
}

HEALTHY_BENCH = Bench(settings=_TUNED_SETTINGS)
#: The flavour profiles keep the configuration of the SITL builds the fixtures come from, so
#: their identity, configuration payloads and `diff all` match the fixtures byte for byte.
#: Their status matches too: Betaflight SITL sits in its boot grace time.
SITL_BENCH = Bench(dshot_telemetry=False, arming_flags=("BOOTGRACE",))
#: INAV's SITL also reports a magnetometer and a temperature sensor, and its SITL target
#: overrides a few settings (they show in its `diff all`).
INAV_BENCH = Bench(
    sensors=frozenset({"GYRO", "ACC", "BARO", "MAG", "TEMP"}),
    dshot_telemetry=False,
    rc_link=False,
    arming_flags=("SENSORS_CALIBRATING", "ACCELEROMETER_NOT_CALIBRATED", "RC_LINK"),
    settings={
        ("master", "acc_hardware"): "FAKE",
        ("master", "align_mag"): "CW270FLIP",
        ("master", "mag_hardware"): "FAKE",
        ("master", "baro_hardware"): "FAKE",
        ("master", "blackbox_rate_denom"): "2",
    },
)


#: INAV at a bench: as its SITL, but with the accelerometer calibrated (a real unit is, once set
#: up), so `inav-9` passes `check` with the default limits and `inav-9+FAULT` fails only by its
#: fault. The SITL's own status, byte for byte as the fixtures, is the profile `inav-9-sitl`.
INAV_CALIBRATED_BENCH = dataclasses.replace(
    INAV_BENCH,
    arming_flags=tuple(f for f in INAV_BENCH.arming_flags if f != "ACCELEROMETER_NOT_CALIBRATED"),
)


def _bench(profile: Profile, **changes: Any) -> Profile:
    return dataclasses.replace(profile, bench=dataclasses.replace(profile.bench, **changes))


def _no_gyro(p: Profile) -> Profile:
    # The accelerometer sits in the same chip: a dead gyro takes it along.
    flags = ("HARDWARE_FAILURE",) if p.flavour.is_inav else ("NOGYRO",)
    return _bench(
        p, sensors=p.bench.sensors - {"GYRO", "ACC"}, arming_flags=p.bench.arming_flags + flags
    )


def _config_drift(p: Profile) -> Profile:
    """One setting of the golden diff missing, one changed, one extra."""
    settings = dict(p.bench.settings)
    if p.flavour.is_inav:
        missing, changed, extra = (
            ("master", "blackbox_rate_denom"),
            ("master", "align_mag"),
            ("master", "looptime"),
        )
        values = ("CW90", "1000")
    else:
        missing, changed, extra = (
            ("master", "vbat_warning_cell_voltage"),
            ("profile", "p_roll"),
            ("master", "gyro_lpf1_static_hz"),
        )
        values = ("55", "300")
    settings.pop(missing, None)
    settings[changed], settings[extra] = values
    return _bench(p, settings=settings)


def _arming_blocked(p: Profile) -> Profile:
    flags = (
        ("ACCELEROMETER_NOT_CALIBRATED", "INVALID_SETTING")
        if p.flavour.is_inav
        else ("NO_ACC_CAL", "REBOOT_REQD")
    )
    return _bench(p, arming_flags=p.bench.arming_flags + flags)


FAULTS: dict[str, Callable[[Profile], Profile]] = {
    "no_gyro": _no_gyro,
    "noisy_gyro": lambda p: _bench(p, gyro_noise_dps=15.0),
    "wrong_target": lambda p: _bench(p, board_identifier="S405", target_name="STM32F405"),
    "config_drift": _config_drift,
    "low_battery": lambda p: _bench(p, cell_voltage=3.3),
    "arming_blocked": _arming_blocked,
    "silent": lambda p: dataclasses.replace(p, link_fault=LinkFault.SILENT),
    "garbage": lambda p: dataclasses.replace(p, link_fault=LinkFault.GARBAGE),
    "drops_link": lambda p: dataclasses.replace(p, link_fault=LinkFault.DROPS_LINK),
}


def _build_profiles() -> dict[str, Profile]:
    profiles = {
        name: Profile(name, flavour, INAV_CALIBRATED_BENCH if flavour.is_inav else SITL_BENCH)
        for name, flavour in FLAVOURS.items()
    }
    for name, flavour in FLAVOURS.items():
        if flavour.is_inav:
            profiles[f"{name}-sitl"] = Profile(f"{name}-sitl", flavour, INAV_BENCH)
    healthy = Profile("healthy", DEFAULT_FLAVOUR, HEALTHY_BENCH)
    profiles["healthy"] = healthy
    for fault in FAULTS:
        profiles[fault] = dataclasses.replace(healthy.with_fault(fault), name=fault)
    return profiles


PROFILES: dict[str, Profile] = _build_profiles()


def get_profile(name: str | Profile) -> Profile:
    """A profile by name: a key of PROFILES, or "FLAVOUR+FAULT" such as "inav-9+noisy_gyro"."""
    if isinstance(name, Profile):
        return name
    if name in PROFILES:
        return PROFILES[name]
    base, _, fault = name.partition("+")
    if base in PROFILES and fault in FAULTS:
        return PROFILES[base].with_fault(fault)
    known = ", ".join(sorted(PROFILES))
    raise ValueError(f"unknown simulator profile {name!r}; known: {known}, or FLAVOUR+FAULT")
