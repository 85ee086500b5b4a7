"""Parse a Betaflight/INAV `diff all` into sections and settings, and compare it with a golden one.

Pure: text in, data out. A `diff all` lists only what differs from the firmware's defaults,
so a setting the golden file has and the flight controller does not means the board is still
at the default there ("missing"); the reverse is "extra"; the same key with another value is
"changed".
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

MASTER = "master"

# Lines that switch the section the following lines belong to. The last one of each kind in a
# diff is the "restore original selection", i.e. the profile the board flies with.
SECTION_COMMANDS = ("profile", "rateprofile", "control_profile", "mixer_profile", "battery_profile")

# Framing of the batch, not settings: comparing them would only report firmware differences
# (`defaults nosave` on Betaflight, `defaults noreboot` on INAV).
FRAMING_COMMANDS = ("batch", "defaults", "save", "exit")

# `feature -GPS` / `feature GPS`: one switch per name; the last line wins, as on the board.
FLAG_COMMANDS = ("feature", "blackbox", "beeper", "beacon")

# Commands whose first N words name the thing being set; the rest is its value.
# e.g. `serial 0 1 115200 57600 0 115200` -> key `serial 0`; `resource MOTOR 1 A08` ->
# `resource MOTOR 1`. A command not listed here is compared as a whole line (present/absent).
KEY_WORDS: dict[str, int] = {
    "board_name": 0,
    "manufacturer_id": 0,
    "mcu_id": 0,
    "signature": 0,
    "name": 0,
    "mixer": 0,
    "map": 0,
    "serial": 1,
    "aux": 1,
    "adjrange": 1,
    "rxrange": 1,
    "rxfail": 1,
    "led": 1,
    "color": 1,
    "mmix": 1,
    "smix": 1,
    "servo": 1,
    "timer": 1,
    "vtx": 1,
    "osd_layout": 2,
    "logic": 1,
    "gvar": 1,
    "pid": 1,
    "wp": 1,
    "safehome": 1,
    "fwapproach": 1,
    "temp_sensor": 1,
    "osd_custom_elements": 1,
    "timer_output_mode": 1,
    "resource": 2,
    "dma": 2,
    "mode_color": 2,
}

# Per-unit by nature: differ between two correctly built drones of the same type.
DEFAULT_IGNORE: tuple[str, ...] = (
    "mcu_id",  # the MCU's unique id
    "signature",  # per-board signature
    "name",  # craft name on old firmware
    "set craft_name",
    "set pilot_name",
    "set stats_total_*",  # flight statistics grow with use
    "set acc_calibration",  # calibrated on each board
    "set mag_calibration",
    "set acczero_*",  # INAV calibration
    "set accgain_*",
    "set magzero_*",
    "set maggain_*",
)


@dataclass(frozen=True)
class Setting:
    """One configuration line: in which section, what it sets, to what."""

    section: str
    key: str  # what is set, e.g. "set gyro_lpf1_static_hz", "feature GPS", "serial 0"
    value: str  # e.g. "250", "on", "1 115200 57600 0 115200"
    line: str  # the line as the flight controller printed it
    line_no: int  # 1-based, in the parsed text


@dataclass
class Config:
    """A parsed `diff all` (or `dump`): settings by section, in the order they appeared."""

    sections: dict[str, dict[str, Setting]] = field(default_factory=dict)
    version: str | None = None  # the line after `# version`, if any

    def settings(self) -> list[Setting]:
        """Every setting, section by section."""
        return [s for section in self.sections.values() for s in section.values()]

    def get(self, section: str, key: str) -> Setting | None:
        """The setting with this key in this section, compared case-insensitively."""
        return self.sections.get(section, {}).get(_norm_key(key))


@dataclass(frozen=True)
class ConfigChange:
    """One difference between a board's configuration and the golden one."""

    kind: str  # "missing" (golden has it, board not), "extra", "changed"
    section: str
    key: str
    expected: str | None  # the golden line
    actual: str | None  # the board's line

    def __str__(self) -> str:
        where = f"[{self.section}]"
        if self.kind == "missing":
            return f"{where} missing: {self.expected}"
        if self.kind == "extra":
            return f"{where} extra:   {self.actual}"
        return f"{where} changed: {self.actual}  (golden: {self.expected})"

    def to_dict(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "section": self.section,
            "key": self.key,
            "expected": self.expected,
            "actual": self.actual,
        }


_SET = re.compile(r"set\s+(\S+?)\s*=\s*(.*)$", re.IGNORECASE)


def _norm_key(key: str) -> str:
    # The CLI matches names case-insensitively (`gyro_1_i2cBus` exists), so do we.
    return " ".join(key.split()).lower()


def _split(line: str, section: str, line_no: int) -> Setting | None:
    """The setting a line sets, or None for framing lines."""
    words = line.split()
    command = words[0].lower()
    if command in FRAMING_COMMANDS:
        return None
    if command == "set":
        match = _SET.match(line)
        if match:
            return Setting(section, f"set {match[1]}", match[2].strip(), line, line_no)
        return Setting(section, line, "", line, line_no)
    if command in FLAG_COMMANDS and len(words) == 2:
        name = words[1]
        on = not name.startswith("-")
        return Setting(
            section, f"{command} {name.lstrip('-')}", "on" if on else "off", line, line_no
        )
    if command == "vtxtable" and len(words) >= 2:
        key_words: int | None = 2 if words[1].lower() == "band" else 1
    else:
        key_words = KEY_WORDS.get(command)
    if key_words is None or len(words) < key_words + 1:
        return Setting(section, " ".join(words), "", line, line_no)
    return Setting(
        section, " ".join(words[: key_words + 1]), " ".join(words[key_words + 1 :]), line, line_no
    )


def iter_settings(text: str) -> Iterator[tuple[str, Setting | None]]:
    """Each line of a `diff all` (or `dump`) with the setting it makes, in order.

    None for comments, blank and framing lines; a profile switch gives the setting
    "<command> (selected)" in the master section, and the lines after it belong to that profile.
    """
    section = MASTER
    for line_no, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            yield raw, None
            continue
        words = line.split()
        command = words[0].lower()
        if command in SECTION_COMMANDS and len(words) == 2:
            section = f"{command} {words[1]}"
            # The last switch of each kind is the selection the board restores to.
            yield raw, Setting(MASTER, f"{command} (selected)", words[1], line, line_no)
            continue
        yield raw, _split(line, section, line_no)


def parse_diff(text: str) -> Config:
    """Parse the output of `diff all` (or `diff`, `dump`) into sections of settings."""
    config = Config(sections={MASTER: {}})
    after_version_comment = False
    for raw, setting in iter_settings(text):
        line = raw.strip()
        if line.startswith("#"):
            # `# version` is followed by the firmware banner as a comment line.
            comment = line.lstrip("#").strip()
            if after_version_comment and config.version is None and comment:
                config.version = comment
            after_version_comment = comment.lower() == "version"
            continue
        if line:
            after_version_comment = False
        if setting is None:
            continue
        if setting.key.endswith(" (selected)"):
            config.sections.setdefault(setting.line.split()[0].lower() + " " + setting.value, {})
        # Later lines override earlier ones, as when the board runs them in order.
        config.sections.setdefault(setting.section, {})[_norm_key(setting.key)] = setting
    return config


def is_ignored(setting: Setting, patterns: list[str] | tuple[str, ...]) -> bool:
    """True when a pattern matches the setting's key or its whole line.

    A pattern is a glob (`set craft_name`, `set stats_*`, `mcu_id*`), matched
    case-insensitively against the key and against the line; `re:` starts a regular
    expression searched in the line (`re:^set (craft|pilot)_name`).
    """
    for pattern in patterns:
        if pattern.startswith("re:"):
            if re.search(pattern[3:], setting.line, re.IGNORECASE):
                return True
            continue
        glob = pattern.lower()
        if fnmatch.fnmatchcase(setting.key.lower(), glob) or fnmatch.fnmatchcase(
            setting.line.lower(), glob
        ):
            return True
    return False


def _same_value(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def compare(
    actual: Config, golden: Config, ignore: list[str] | tuple[str, ...] = DEFAULT_IGNORE
) -> list[ConfigChange]:
    """Every missing, extra and changed setting of `actual` against `golden`, in golden's order."""
    changes: list[ConfigChange] = []
    sections = list(golden.sections) + [s for s in actual.sections if s not in golden.sections]
    for section in sections:
        want = golden.sections.get(section, {})
        have = actual.sections.get(section, {})
        for key, expected in want.items():
            if is_ignored(expected, ignore):
                continue
            found = have.get(key)
            if found is None:
                changes.append(ConfigChange("missing", section, expected.key, expected.line, None))
            elif not _same_value(found.value, expected.value):
                changes.append(
                    ConfigChange("changed", section, expected.key, expected.line, found.line)
                )
        for key, found in have.items():
            if key not in want and not is_ignored(found, ignore):
                changes.append(ConfigChange("extra", section, found.key, None, found.line))
    return changes


def render_changes(changes: Sequence[ConfigChange]) -> str:
    """A readable rendering, one line per change, grouped by section; '' when none."""
    out: list[str] = []
    current: str | None = None
    for change in changes:
        if change.section != current:
            current = change.section
            out.append(f"{current}:")
        if change.kind == "missing":
            out.append(f"  - {change.expected}    (missing: in golden, not on the board)")
        elif change.kind == "extra":
            out.append(f"  + {change.actual}    (extra: on the board, not in golden)")
        else:
            out.append(f"  ~ {change.actual}    (golden: {change.expected})")
    return "\n".join(out)
