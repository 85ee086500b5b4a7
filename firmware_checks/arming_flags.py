"""Names of the reasons a flight controller refuses to arm, per firmware line.

Betaflight: bit n of the arming-disable mask is armingDisableFlagNames[n] in
src/main/fc/runtime_config.c; MSP_STATUS(_EX) sends the table length (the "count byte"),
which tells the lines apart: 26 on 4.3 to 4.5, 29 on 2025.12, 30 on the development line.
A count never seen keeps the names of the longest known table it covers; only the bits past
that table's end become BIT<n>. Two bits were renamed with MSP API 1.46 (Betaflight 4.5):
see _BEFORE_API_1_46.
INAV: MSP2_INAV_STATUS sends armingFlags, whose ARMING_DISABLED_* bits are listed in INAV's
src/main/fc/runtime_config.h (bits 2-5 are state, not reasons).
A bit without a known name is reported as "BIT<n>", never dropped.
"""

from __future__ import annotations

_BETAFLIGHT_COMMON: tuple[str, ...] = (
    "NOGYRO",
    "FAILSAFE",
    "RXLOSS",
    "NOT_DISARMED",
    "BOXFAILSAFE",
    "RUNAWAY",
    "CRASH",
    "THROTTLE",
    "ANGLE",
    "BOOTGRACE",
    "NOPREARM",
    "LOAD",
    "CALIB",
    "CLI",
    "CMS",
    "BST",
    "MSP",
    "PARALYZE",
    "GPS",
    "RESCUE_SW",
    "DSHOT_TELEM",  # "RPMFILTER" before MSP API 1.46 (see _BEFORE_API_1_46)
    "REBOOT_REQD",
    "DSHOT_BBANG",
    "NO_ACC_CAL",
    "MOTOR_PROTO",
)

#: Name tables by the count byte of MSP_STATUS / MSP_STATUS_EX.
BETAFLIGHT_ARMING_DISABLE_NAMES: dict[int, tuple[str, ...]] = {
    26: _BETAFLIGHT_COMMON + ("ARMSWITCH",),  # 4.3, 4.4, 4.5
    29: _BETAFLIGHT_COMMON + ("FLIP_SWITCH", "ALT_HOLD_SW", "POS_HOLD_SW", "ARM_SWITCH"),  # 2025.12
    30: _BETAFLIGHT_COMMON
    + ("FLIP_SWITCH", "ALT_HOLD_SW", "POS_HOLD_SW", "AUTOPILOT_SW", "ARM_SWITCH"),  # development
}

#: Names of bits that were called differently before MSP API 1.46 (Betaflight 4.3 and 4.4).
#: Provenance, narrowed on purpose: the only copy of Betaflight's runtime_config.c that could be
#: read while writing this is a recent one (NOT_DISARMED and DSHOT_TELEM). BADRX / RPMFILTER
#: for bits 3 / 20 come from independent 26-entry tables in third-party Betaflight tools that
#: end in ARMSWITCH (the 4.3/4.4 layout), not from Betaflight's own file history; the switch at
#: API 1.46 follows the 4.5 release, which reports API 1.46. Not verified against a 4.3/4.4 board.
_BEFORE_API_1_46: dict[int, str] = {3: "BADRX", 20: "RPMFILTER"}
_RENAMED_FROM_API = (1, 46)

#: INAV armingFlag_e: bit -> name of the ARMING_DISABLED_* reason (prefix dropped).
INAV_ARMING_DISABLE_NAMES: dict[int, str] = {
    6: "GEOZONE",
    7: "FAILSAFE_SYSTEM",
    8: "NOT_LEVEL",
    9: "SENSORS_CALIBRATING",
    10: "SYSTEM_OVERLOADED",
    11: "NAVIGATION_UNSAFE",
    12: "COMPASS_NOT_CALIBRATED",
    13: "ACCELEROMETER_NOT_CALIBRATED",
    14: "ARM_SWITCH",
    15: "HARDWARE_FAILURE",
    16: "BOXFAILSAFE",
    18: "RC_LINK",
    19: "THROTTLE",
    20: "CLI",
    21: "CMS_MENU",
    22: "OSD_MENU",
    23: "ROLLPITCH_NOT_CENTERED",
    24: "SERVO_AUTOTRIM",
    25: "OOM",
    26: "INVALID_SETTING",
    27: "PWM_OUTPUT_ERROR",
    28: "NO_PREARM",
    29: "DSHOT_BEEPER",
    30: "LANDING_DETECTED",
}

#: INAV armingFlags bits that describe state rather than a reason not to arm.
INAV_ARMED_BIT = 2
INAV_STATE_BITS = frozenset({2, 3, 4, 5})  # ARMED, WAS_EVER_ARMED, SIMULATOR_MODE_HITL/SITL


def _set_bits(mask: int) -> list[int]:
    return [bit for bit in range(mask.bit_length()) if mask >> bit & 1]


def betaflight_arming_disable_table(
    count: int, api: tuple[int, int] | None = None
) -> tuple[str, ...]:
    """The names of bits 0.. for a count byte and MSP API version (None: the newest names).

    A count not in BETAFLIGHT_ARMING_DISABLE_NAMES (a newer Betaflight, a fork) gets the longest
    known table that it covers, so the bits every version shares keep their names; with a count
    below every table, the shared bits (0-24)."""
    table = BETAFLIGHT_ARMING_DISABLE_NAMES.get(count)
    if table is None:
        covered = [t for n, t in BETAFLIGHT_ARMING_DISABLE_NAMES.items() if n <= count]
        table = max(covered, key=len) if covered else _BETAFLIGHT_COMMON
    if api is not None and api < _RENAMED_FROM_API:
        table = tuple(_BEFORE_API_1_46.get(bit, name) for bit, name in enumerate(table))
    return table


def betaflight_arming_disable_names(
    flags: int, count: int, api: tuple[int, int] | None = None
) -> list[str]:
    """Names of the set bits of a Betaflight arming-disable mask, lowest bit first; a bit past
    the end of the name table is BIT<n>. `api` is the MSP API version (major, minor)."""
    table = betaflight_arming_disable_table(count, api)
    return [table[bit] if bit < len(table) else f"BIT{bit}" for bit in _set_bits(flags)]


def inav_arming_disable_names(flags: int) -> list[str]:
    """Names of the reasons set in INAV's armingFlags, lowest bit first (state bits left out)."""
    return [
        INAV_ARMING_DISABLE_NAMES.get(bit, f"BIT{bit}")
        for bit in _set_bits(flags)
        if bit not in INAV_STATE_BITS
    ]
