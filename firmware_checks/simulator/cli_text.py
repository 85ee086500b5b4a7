"""What the simulated CLI prints: `version`, `status`, `diff all`, `dump`, word for word.

Copied from tests/fixtures/firmware/*/cli_steps.json (Betaflight 4.5, 2025.12 and INAV 9 SITL
builds); only the live values (uptime, voltage, arming flags, settings) are filled in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..arming_flags import INAV_ARMING_DISABLE_NAMES
from .profiles import Bench, Flavour
from .settings import PROFILE_COUNT, Settings, load_dump_block

#: INAV's CLI prints short names for the arming-disable reasons (bit -> name).
_INAV_SHORT_ARMING_NAMES = dict(
    zip(
        range(7, 31),
        [
            "FS",
            "ANGLE",
            "CAL",
            "OVRLD",
            "NAV",
            "COMPS",
            "ACC",
            "ARMSW",
            "HWFAIL",
            "BOXFS",
            "KILLSW",
            "RX",
            "THR",
            "CLI",
            "CMS",
            "OSD",
            "ROLL/PITCH",
            "AUTOTRIM",
            "OOM",
            "SETTINGFAIL",
            "PWMOUT",
            "NOPREARM",
            "DSHOTBEEPER",
            "LANDED",
        ],
        strict=True,
    )
)
_INAV_BIT_BY_NAME = {name: bit for bit, name in INAV_ARMING_DISABLE_NAMES.items()}


@dataclass(frozen=True)
class StatusFacts:
    """The live facts `status` prints, supplied by the simulated flight controller."""

    uptime_s: int
    voltage_v: float
    cells: int
    battery_state: str  # "OK", "WARNING", "CRITICAL", "NOT PRESENT", "INIT"
    arming_flags: tuple[str, ...]  # by arming_flags.py name; CLI included while in the CLI
    sensors: frozenset[str]


def version_line(flavour: Flavour, bench: Bench) -> str:
    """The `version` line without its "# " (the first line of `diff all` too)."""
    if flavour.is_inav:
        return (
            f"INAV/{bench.target_name} {'.'.join(map(str, flavour.version))} "
            f"{flavour.build_date} / {flavour.build_time} ({flavour.git_revision}) \r\n# GCC-12.3.0"
        )
    version = flavour.version_string or ".".join(map(str, flavour.version))
    return (
        f"Betaflight / {bench.target_name} ({bench.board_identifier}) {version} "
        f"{flavour.build_date} / {flavour.build_time} ({flavour.git_revision}) "
        f"MSP API: {flavour.api[0]}.{flavour.api[1]}"
    )


def mcu_id(flavour: Flavour) -> str:
    return "".join(f"{word:08x}" for word in flavour.uid)


def _betaflight_diff(flavour: Flavour, bench: Bench, settings: Settings) -> str:
    parts = [
        f"\r\n# version\r\n# {version_line(flavour, bench)}\r\n",
        "\r\n# start the command batch\r\nbatch start\r\n",
        "\r\n# reset configuration to default settings\r\ndefaults nosave\r\n",
        f"\r\nmcu_id {mcu_id(flavour)}\r\nsignature \r\n",
    ]
    if settings.craft_name:
        parts.append(f"\r\n# name: {settings.craft_name}\r\n")
    parts.append(_diff_features(settings, "feature", always=False))
    parts.append(_section("master", settings.differences("master")))
    for section in ("profile", "rateprofile"):
        for index in range(PROFILE_COUNT):
            parts.append(f"\r\n{section} {index}\r\n")
            parts.append(_section(f"{section} {index}", settings.differences(section, index)))
        current = settings.pid_profile if section == "profile" else settings.rate_profile
        parts.append(f"\r\n# restore original {section} selection\r\n{section} {current}\r\n")
    parts.append("\r\n# save configuration\r\nsave")
    return "".join(parts)


def betaflight_dump(flavour: Flavour, bench: Bench, settings: Settings) -> str:
    """What Betaflight's `dump` prints: every setting, the current profile and rate profile only."""
    assert flavour.settings_file is not None
    parts = [
        f"\r\n# version\r\n# {version_line(flavour, bench)}\r\n",
        "\r\n# start the command batch\r\nbatch start\r\n",
        "\r\nboard_name \r\nmanufacturer_id \r\n",
    ]
    if settings.craft_name:
        parts.append(f"\r\n# name: {settings.craft_name}\r\n")
    table = settings.table
    parts.append("\r\n# feature\r\n")
    parts.append("".join(f"feature -{name}\r\n" for name in table.features))
    parts.append(
        "".join(f"feature {name}\r\n" for name in table.features if name in settings.features)
    )
    parts.append(load_dump_block(flavour.settings_file))
    parts.append(_section("master", settings.values("master")))
    for section, index in (
        ("profile", settings.pid_profile),
        ("rateprofile", settings.rate_profile),
    ):
        parts.append(f"\r\n{section} {index}\r\n")
        parts.append(_section(f"{section} {index}", settings.values(section, index)))
    parts.append("\r\n# end the command batch\r\nbatch end\r\n")
    return "".join(parts)


def _diff_features(settings: Settings, heading: str, *, always: bool) -> str:
    """`diff`'s feature lines: default features turned off, then other features turned on.
    Betaflight prints the heading only above lines; INAV always."""
    table = settings.table
    off = [n for n in table.features if n in table.default_features and n not in settings.features]
    on = [n for n in table.features if n in settings.features and n not in table.default_features]
    lines = [f"feature -{name}\r\n" for name in off] + [f"feature {name}\r\n" for name in on]
    if not lines and not always:
        return ""
    return f"\r\n# {heading}\r\n" + "".join(lines)


def _section(heading: str, changes: list[tuple[str, str]]) -> str:
    """A section's heading and `set` lines; nothing at all when nothing differs."""
    if not changes:
        return ""
    return f"\r\n# {heading}\r\n" + "".join(f"set {name} = {value}\r\n" for name, value in changes)


# INAV's `diff all` around its master section, as its SITL build prints it (fixture inav-9.0.1).
_INAV_DIFF_HEAD = (
    "\r\n# start the command batch\r\nbatch start\r\n"
    "\r\n# reset configuration to default settings\r\ndefaults noreboot\r\n"
    "\r\n# resources\r\n\r\n# Timer overrides\r\n\r\n# Outputs [servo]\r\n\r\n# safehome\r\n"
    "\r\n# Fixed Wing Approach\r\n\r\n# geozone\r\n\r\n# geozone vertices\r\n"
)
_INAV_DIFF_AFTER_FEATURES = (
    "\r\n# blackbox\r\nblackbox -NAV_ACC\r\nblackbox NAV_POS\r\nblackbox NAV_PID\r\n"
    "blackbox MAG\r\nblackbox ACC\r\nblackbox ATTI\r\nblackbox RC_DATA\r\nblackbox RC_COMMAND\r\n"
    "blackbox MOTORS\r\nblackbox -GYRO_RAW\r\nblackbox -PEAKS_R\r\nblackbox -PEAKS_P\r\n"
    "blackbox -PEAKS_Y\r\nblackbox SERVOS\r\n"
    "\r\n# Receiver: Channel map\r\n\r\n# Ports\r\n\r\n# Modes [aux]\r\n"
    "\r\n# Adjustments [adjrange]\r\n"
    "\r\n# Receiver rxrange\r\n\r\n# temp_sensor\r\n"
    "\r\n# Mission Control Waypoints [wp]\r\n#wp 0 invalid\r\n"
    "\r\n# OSD [osd_layout]\r\n\r\n# Programming: logic\r\n\r\n# Programming: global variables\r\n"
    "\r\n# Programming: PID controllers\r\n\r\n# OSD: custom elements\r\n"
)
_INAV_DIFF_TAIL = (
    "".join(f"\r\n# control_profile\r\ncontrol_profile {i}\r\n\r\n" for i in (1, 2, 3))
    + "".join(
        f"\r\n# mixer_profile\r\nmixer_profile {i}\r\n\r\n"
        "\r\n# Mixer: motor mixer\r\n\r\n# Mixer: servo mixer\r\n"
        for i in (1, 2)
    )
    + "".join(f"\r\n# battery_profile\r\nbattery_profile {i}\r\n\r\n" for i in (1, 2, 3))
    + "\r\n# restore original profile selection\r\n"
    + "control_profile 1\r\nmixer_profile 1\r\nbattery_profile 1\r\n"
    + "\r\n# save configuration\r\nsave\r\n"
)


def diff_all(flavour: Flavour, bench: Bench, settings: Settings) -> str:
    """What `diff all` prints between the echoed command line and the prompt."""
    if not flavour.is_inav:
        return _betaflight_diff(flavour, bench, settings)
    head = (
        f"\r\n# version\r\n# {version_line(flavour, bench)}\r\n"
        + _INAV_DIFF_HEAD
        + _diff_features(settings, "features", always=True)
        + _INAV_DIFF_AFTER_FEATURES
    )
    return head + _section("master", settings.differences("master")) + _INAV_DIFF_TAIL


def status_text(flavour: Flavour, bench: Bench, facts: StatusFacts) -> str:
    """What `status` prints (live values from facts)."""
    if flavour.is_inav:
        return _inav_status(flavour, bench, facts)
    flags = " ".join(facts.arming_flags)
    devices = [name for name in ("GYRO", "ACC", "BARO") if name in facts.sensors]
    if flavour.version[0] >= 25:  # calendar versions (2025.12 on) reworded `status`
        detected = "".join(
            ("GYRO: (1) VIRTUAL enabled" if name == "GYRO" else f"{name}: VIRTUAL") + "\r\n"
            for name in devices
        )
        return (
            "MCU: SIMULATOR CLK=500MHz\r\nSTACK: -991468729b (0xc4e76346)\r\n"
            "CONFIG: CONFIGURED (2885b / 32768b)\r\n\r\n"
            f"DEVICES DETECTED:\r\n{detected}\r\n"
            f"System Uptime: {facts.uptime_s} seconds\r\n"
            "CPU:0%, cycle time: 0, GYRO rate: 0, RX rate: 0, System rate: 9\r\n"
            f"Voltage: {facts.voltage_v:.2f}V ({facts.cells}S battery - {facts.battery_state})\r\n"
            f"Arming disable flags: {flags}\r\n"
        )
    gyros = "Gyros detected: gyro 1, gyro 2\r\n" if "GYRO" in facts.sensors else ""
    return (
        "MCU SIMULATOR Clock=500MHz\r\nStack size: -131864888, Stack address: 0xf823e6c9\r\n"
        "Configuration: CONFIGURED, size: 2519, max available: 32768\r\n"
        f"{gyros}{', '.join(f'{name}=VIRTUAL' for name in devices)}\r\n"
        f"System Uptime: {facts.uptime_s} seconds\r\n"
        "CPU:0%, cycle time: 0, GYRO rate: 0, RX rate: 0, System rate: 9\r\n"
        f"Voltage: {round(facts.voltage_v * 100)} * 0.01V "
        f"({facts.cells}S battery - {facts.battery_state})\r\n"
        f"I2C Errors: 0\r\nArming disable flags: {flags}\r\n"
    )


def _inav_status(flavour: Flavour, bench: Bench, facts: StatusFacts) -> str:
    present = [name for name in ("GYRO", "ACC", "BARO", "MAG") if name in facts.sensors]
    health = ", ".join(
        f"{name}={'OK' if name in facts.sensors else 'NONE'}"
        for name in ("GYRO", "ACC", "MAG", "BARO", "RANGEFINDER", "OPFLOW", "GPS")
    )
    flags = " ".join(
        _INAV_SHORT_ARMING_NAMES.get(_INAV_BIT_BY_NAME.get(f, -1), f) for f in facts.arming_flags
    )
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")
    return (
        f"{version_line(flavour, bench).replace(chr(13) + chr(10) + '# ', chr(13) + chr(10))}\r\n"
        f"System Uptime: {facts.uptime_s} seconds\r\nCurrent Time: {now}\r\n"
        f"Voltage: {facts.voltage_v:.2f}V ({facts.cells}S battery - {facts.battery_state})\r\n"
        f"CPU Clock=500MHz, {', '.join(f'{name}=FAKE' for name in present)}\r\n"
        f"Sensor status: {health}\r\n"
        "System load: 0, cycle time: 501, PID rate: 1996, RX rate: 49, System rate: 10\r\n"
        f"Arming disabled flags: {flags}\r\nOSD: not enabled\r\nVTX: not detected\r\n"
    )
