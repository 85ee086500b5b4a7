"""The simulated flight controller's settings: defaults per firmware, values, and what `diff` shows.

Betaflight's defaults come from data/<flavour>.settings, copied from the SITL `dump` in
tests/fixtures/firmware/. Each setting lives in a section: "master", "profile" (one copy per PID
profile) or "rateprofile" (one per rate profile), like Betaflight's value table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

#: The settings and `dump` text of each simulated firmware, shipped inside the package.
DATA_DIR = Path(__file__).parent / "data"

SECTIONS = ("master", "profile", "rateprofile")
PROFILE_COUNT = 4  # Betaflight keeps 4 PID profiles and 4 rate profiles

#: Allowed ranges of numeric settings, as `get` prints them; the fixtures show the first two.
RANGES: dict[str, tuple[int, int]] = {
    "gyro_lpf1_static_hz": (0, 1000),
    "looptime": (0, 9000),
    "gyro_lpf2_static_hz": (0, 1000),
    "vbat_max_cell_voltage": (100, 500),
    "vbat_full_cell_voltage": (100, 500),
    "vbat_min_cell_voltage": (100, 500),
    "vbat_warning_cell_voltage": (100, 500),
    **{f"{term}_{axis}": (0, 250) for term in "pid" for axis in ("roll", "pitch", "yaw")},
    **{f"f_{axis}": (0, 2000) for axis in ("roll", "pitch", "yaw")},
    **{f"{axis}_srate": (0, 255) for axis in ("roll", "pitch", "yaw")},
}

#: Allowed values of the lookup settings that the simulator checks on `set`.
LOOKUPS: dict[str, tuple[str, ...]] = {
    "motor_pwm_protocol": (
        "PWM",
        "ONESHOT125",
        "ONESHOT42",
        "MULTISHOT",
        "BRUSHED",
        "DSHOT150",
        "DSHOT300",
        "DSHOT600",
        "PROSHOT1000",
        "DISABLED",
    ),
}
ON_OFF = ("OFF", "ON")

#: The only INAV settings the simulator knows, in INAV's table order, with INAV's defaults.
INAV_DEFAULTS: tuple[tuple[str, str, str], ...] = (
    ("master", "looptime", "500"),
    ("master", "acc_hardware", "AUTO"),
    ("master", "align_mag", "DEFAULT"),
    ("master", "mag_hardware", "AUTO"),
    ("master", "baro_hardware", "AUTO"),
    ("master", "blackbox_rate_denom", "1"),
    ("master", "name", "-"),
)


#: INAV's features as far as the simulator knows them: GPS, off at boot in its SITL build.
INAV_FEATURES = ("GPS",)
#: Betaflight's SITL turns these default features off at boot (no such hardware), which is
#: why its `diff all` says `feature -GPS` and `feature -TELEMETRY`.
SITL_FEATURES_OFF_AT_BOOT = frozenset({"GPS", "TELEMETRY"})


@dataclass(frozen=True)
class SettingsTable:
    """Every setting a firmware knows, in its table order, with its default; its features."""

    defaults: dict[str, tuple[str, str]]  # name -> (section, default value as printed)
    features: tuple[str, ...] = ()  # every feature name, in the firmware's order
    default_features: frozenset[str] = frozenset()  # on after `defaults`
    boot_features: frozenset[str] = frozenset()  # on when the simulated board first starts

    def section_of(self, name: str) -> str:
        return self.defaults[name][0]

    def names_in(self, section: str) -> list[str]:
        return [name for name, (sec, _) in self.defaults.items() if sec == section]


@cache
def load_table(settings_file: str | None) -> SettingsTable:
    """The settings table of a flavour (its data/ file, or the INAV list when None)."""
    if settings_file is None:
        return SettingsTable(
            {name: (section, value) for section, name, value in INAV_DEFAULTS},
            INAV_FEATURES,
            frozenset(INAV_FEATURES),
        )
    text = (DATA_DIR / f"{settings_file}.settings").read_text(encoding="utf-8")
    defaults: dict[str, tuple[str, str]] = {}
    section = "master"
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        name, _, value = line.partition(" = ")
        defaults[name] = (section, value)
    names, enabled = _dump_features(settings_file)
    return SettingsTable(defaults, names, enabled | SITL_FEATURES_OFF_AT_BOOT, enabled)


def _dump_features(settings_file: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """Every feature name (the dump's `feature -X` lines) and those on (`feature X`)."""
    text = (DATA_DIR / f"{settings_file}.dump").read_text(encoding="utf-8")
    names: list[str] = []
    enabled: set[str] = set()
    for line in text.split("# feature\n", 1)[1].split("\n\n", 1)[0].splitlines():
        name = line.split()[1]
        if name.startswith("-"):
            names.append(name[1:])
        else:
            enabled.add(name)
    return tuple(names), frozenset(enabled)


@cache
def load_dump_block(settings_file: str) -> str:
    """The fixed part of a Betaflight `dump` (serial to rxfail), with its \r\n line ends; the
    features before it are printed from the board's state."""
    text = (DATA_DIR / f"{settings_file}.dump").read_text(encoding="utf-8")
    block = text.split("\n", 1)[1].replace("\n", "\r\n")  # the first line says where it is from
    return block[block.index("\r\n\r\n") + 2 :]  # from the blank line after the features


def _key(section: str, index: int) -> tuple[str, int]:
    return (section, 0 if section == "master" else index)


@dataclass
class Settings:
    """Current values; only those differing from the default are stored."""

    table: SettingsTable
    changed: dict[tuple[str, int], dict[str, str]] = field(default_factory=dict)
    pid_profile: int = 0
    rate_profile: int = 0
    features: set[str] = field(default_factory=set)  # the features that are on

    @classmethod
    def with_overrides(
        cls, table: SettingsTable, overrides: dict[tuple[str, str], str]
    ) -> Settings:
        """Defaults plus the bench's overrides; profile overrides go to profile 0."""
        settings = cls(table, features=set(table.boot_features))
        for (_section, name), value in overrides.items():
            if name in table.defaults:
                settings.assign(name, value)
        return settings

    def copy(self) -> Settings:
        changed = {key: dict(values) for key, values in self.changed.items()}
        return Settings(
            self.table, changed, self.pid_profile, self.rate_profile, set(self.features)
        )

    def reset(self) -> None:
        """Every setting and feature back to the firmware's default (`defaults`), in place."""
        self.changed.clear()
        self.pid_profile = self.rate_profile = 0
        self.features = set(self.table.default_features)

    def feature_named(self, fragment: str) -> str | None:
        """The first feature whose name starts with fragment, case-insensitive (as the CLI)."""
        fragment = fragment.upper()
        return next((name for name in self.table.features if name.startswith(fragment)), None)

    def _index(self, section: str) -> int:
        return self.rate_profile if section == "rateprofile" else self.pid_profile

    def value(self, name: str) -> str:
        section, default = self.table.defaults[name]
        return self.changed.get(_key(section, self._index(section)), {}).get(name, default)

    def assign(self, name: str, value: str) -> None:
        section, default = self.table.defaults[name]
        values = self.changed.setdefault(_key(section, self._index(section)), {})
        if value == default:
            values.pop(name, None)
        else:
            values[name] = value

    def values(self, section: str, index: int = 0) -> list[tuple[str, str]]:
        """(name, value) of every setting of a section, in table order."""
        changed = self.changed.get(_key(section, index), {})
        return [
            (name, changed.get(name, default))
            for name, (sec, default) in self.table.defaults.items()
            if sec == section
        ]

    def differences(self, section: str, index: int = 0) -> list[tuple[str, str]]:
        """(name, value) of the settings that differ from their default, in table order."""
        values = self.changed.get(_key(section, index), {})
        return [(name, values[name]) for name in self.table.names_in(section) if name in values]

    def matching(self, fragment: str) -> list[str]:
        """Names containing fragment, case-insensitive, as Betaflight's `get` matches them."""
        fragment = fragment.lower()
        return [name for name in self.table.defaults if fragment in name.lower()]

    def is_default(self, name: str) -> bool:
        return self.value(name) == self.table.defaults[name][1]

    @property
    def craft_name(self) -> str:
        """The craft name as MSP_NAME sends it ("-" is how the CLI shows an empty one)."""
        key = "craft_name" if "craft_name" in self.table.defaults else "name"
        value = self.value(key)
        return "" if value == "-" else value


def check_value(name: str, value: str, default: str) -> str | None:
    """The value as stored (lookups upper-cased), or None when the firmware would refuse it.

    Only ranges and lookups the simulator knows are checked; any other value is taken as is.
    """
    if name in RANGES:
        low, high = RANGES[name]
        try:
            number = int(value)
        except ValueError:
            return None
        return str(number) if low <= number <= high else None
    allowed = LOOKUPS.get(name) or (ON_OFF if default in ON_OFF else None)
    if allowed is not None:
        return value.upper() if value.upper() in allowed else None
    return value


def range_line(name: str, value: str) -> str | None:
    """What `get` prints under a setting's value, when the simulator knows it."""
    if name in RANGES:
        low, high = RANGES[name]
        return f"Allowed range: {low} - {high}"
    if name in LOOKUPS:
        return "Allowed values: " + ", ".join(LOOKUPS[name])
    if value in ON_OFF:
        return "Allowed values: " + ", ".join(ON_OFF)
    if name in ("craft_name", "name"):
        return "String length: 1 - 16"
    return None
