"""The simulated flight controller's CLI, worded like Betaflight's (and INAV's) src/main/cli/cli.c.

Byte for byte where tests/fixtures/firmware/*/cli_steps.json shows it: the banner, the prompt
"\\r\\n# ", echo of every printable character, `version`, `status`, `diff all`, `get`, `set`,
error lines, and the reboot text of `exit` / `save`. The texts themselves are in cli_text.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from .cli_text import StatusFacts, betaflight_dump, diff_all, mcu_id, status_text, version_line
from .profiles import Bench, Flavour
from .settings import PROFILE_COUNT, Settings, check_value, range_line

PROMPT = "\r\n# "


class CliEvent(Enum):
    """What the CLI asks of the flight controller after a command."""

    LEAVE = "leave"  # `exit noreboot`: back to MSP, no reboot
    REBOOT = "reboot"  # `exit`: the port goes away and comes back, unsaved changes lost
    SAVE = "save"  # `save`: the same reboot, with the changes kept


StatusFactsSource = Callable[[], StatusFacts]


@dataclass(frozen=True)
class CliResult:
    output: bytes
    event: CliEvent | None = None
    # Input after the command that left the CLI: MSP gets it after `exit noreboot`.
    rest: bytes = b""


@dataclass(frozen=True)
class _Wording:
    """The sentences that differ between Betaflight's and INAV's CLI."""

    banner: str
    exit_text: str  # before "\r\nRebooting"
    save_text: str
    invalid_name: str  # {command} {name}
    invalid_value: str
    unknown_command: str  # printed without a line feed: the prompt follows
    after_get: str  # INAV ends a `get` with one more blank line
    noreboot_exits: bool  # INAV reboots on any `exit`
    defaults_stays: str  # the `defaults` argument that neither saves nor reboots
    defaults_text: str
    batch_errors: str  # {command}: a batch had errors (`batch end`, `save`)
    save_refused: str  # {command}: `save` after a batch with errors


_BETAFLIGHT_WORDING = _Wording(
    banner="\r\nEntering CLI Mode, type 'exit' to reboot, or 'help'\r\n",
    exit_text="\r\n# leaving CLI mode, unsaved changes lost\r\n",
    save_text="\r\n# saving\r\n",
    invalid_name="###ERROR IN {command}: INVALID NAME: {name}###\r\n",
    invalid_value="###ERROR IN {command}: INVALID VALUE###\r\n",
    unknown_command="###ERROR IN input: UNKNOWN COMMAND, TRY 'HELP'###",
    after_get="",
    noreboot_exits=False,
    defaults_stays="nosave",
    defaults_text="\r\n# resetting to defaults\r\n",
    batch_errors=(
        "###ERROR IN {command}: ERRORS WERE DETECTED - PLEASE REVIEW BEFORE CONTINUING###\r\n"
    ),
    save_refused="###ERROR IN {command}: PLEASE FIX ERRORS THEN 'SAVE'###\r\n",
)
_INAV_WORDING = _Wording(
    banner="\r\nEntering CLI Mode, type 'exit' to return, or 'help'\r\n",
    exit_text="\r\nLeaving CLI mode, unsaved changes lost.\r\n",
    save_text="Saving",
    invalid_name="### ERROR: Invalid name\r\n",
    invalid_value="### ERROR: Invalid value\r\n",
    unknown_command="### ERROR: Unknown command, try 'help'",
    after_get="\r\n",
    noreboot_exits=True,
    defaults_stays="noreboot",
    defaults_text="Resetting to defaults",
    batch_errors="### ERROR: ERRORS WERE DETECTED - PLEASE REVIEW BEFORE CONTINUING\r\n",
    save_refused="### ERROR: PLEASE FIX ERRORS THEN 'SAVE'\r\n",
)
#: How an error line starts, in either dialect: in a batch, each one spoils the batch.
_ERROR_MARKS = ("###ERROR", "### ERROR")


class SimulatedCli:
    """Line editing and commands of the CLI; the flight controller feeds it bytes in CLI mode."""

    def __init__(
        self, flavour: Flavour, bench: Bench, settings: Settings, facts: StatusFactsSource
    ) -> None:
        self.flavour = flavour
        self.bench = bench
        self.settings = settings  # the working copy: `save` keeps it, a reboot without it drops it
        self._facts = facts
        self._wording = _INAV_WORDING if flavour.is_inav else _BETAFLIGHT_WORDING
        self._line = bytearray()
        self.batch_active = False
        self.batch_error = False

    def banner(self) -> bytes:
        """Printed when `#` arrives outside an MSP frame."""
        self._line.clear()
        return (self._wording.banner + PROMPT).encode("latin-1")

    def feed(self, data: bytes) -> CliResult:
        """Echo and run what arrived; stops at a command that leaves the CLI."""
        out: list[str] = []
        for pos, byte in enumerate(data):
            if byte in (0x0D, 0x0A):
                if not self._line:
                    continue  # Betaflight ignores empty lines (and the \n of \r\n)
                line, self._line = self._line.decode("latin-1"), bytearray()
                out.append("\r\n")
                text, event = self._run(line)
                out.append(text)
                if event is not None:
                    return CliResult("".join(out).encode("latin-1"), event, bytes(data[pos + 1 :]))
                out.append(PROMPT)
            elif byte in (0x08, 0x7F):
                if self._line:
                    self._line.pop()
                    out.append("\b \b")
            elif byte == 0x04 and not self._line:  # Ctrl-D leaves like `exit`
                return CliResult(
                    (self._wording.exit_text + "\r\nRebooting").encode("latin-1"), CliEvent.REBOOT
                )
            elif 32 <= byte <= 126 and byte != ord("?") and (self._line or byte != ord(" ")):
                # '?' and TAB ask for completion on a real board; nothing is echoed here.
                self._line.append(byte)
                out.append(chr(byte))
        return CliResult("".join(out).encode("latin-1"))

    def _run(self, line: str) -> tuple[str, CliEvent | None]:
        line = line.split("#", 1)[0].rstrip(" ")  # Betaflight strips comments and trailing spaces
        if not line:
            return "", None
        command, _, args = line.partition(" ")
        args = args.strip()
        handler = self._commands().get(command.lower())
        if handler is None:
            text, event = self._wording.unknown_command, None
        else:
            text, event = handler(args)
        if self.batch_active and any(mark in text for mark in _ERROR_MARKS):
            self.batch_error = True
        return text, event

    def _commands(self) -> dict[str, Callable[[str], tuple[str, CliEvent | None]]]:
        commands = self._common_commands()
        if not self.flavour.is_inav:  # the INAV fixture has no `dump` to copy
            commands["dump"] = lambda _args: (
                betaflight_dump(self.flavour, self.bench, self.settings),
                None,
            )
        return commands

    def _common_commands(self) -> dict[str, Callable[[str], tuple[str, CliEvent | None]]]:
        return {
            "version": lambda _args: (f"# {version_line(self.flavour, self.bench)}\r\n", None),
            "status": lambda _args: (status_text(self.flavour, self.bench, self._facts()), None),
            "diff": lambda _args: (diff_all(self.flavour, self.bench, self.settings), None),
            "get": self._get,
            "set": self._set,
            "profile": lambda args: self._select("profile", args),
            "rateprofile": lambda args: self._select("rateprofile", args),
            "exit": self._exit,
            "save": self._save,
            "batch": self._batch,
            "defaults": self._defaults,
            "feature": self._feature,
            "mcu_id": lambda _args: (f"mcu_id {mcu_id(self.flavour)}\r\n", None),
            "signature": self._signature,
        }

    def _save(self, _args: str) -> tuple[str, CliEvent | None]:
        if self.batch_active and self.batch_error:
            self.batch_active = self.batch_error = False
            words = self._wording
            return words.batch_errors.format(command="save") + words.save_refused.format(
                command="save"
            ), None
        return self._wording.save_text + "\r\nRebooting", CliEvent.SAVE

    def _batch(self, args: str) -> tuple[str, CliEvent | None]:
        option = args.lower()
        if option.startswith("start"):
            if not self.batch_active:
                self.batch_active, self.batch_error = True, False
            return "Command batch started\r\n", None
        if option.startswith("end"):
            failed = self.batch_active and self.batch_error
            self.batch_active = self.batch_error = False
            if failed:
                return self._wording.batch_errors.format(command="batch"), None
            return "Command batch ended\r\n", None
        return f"###ERROR IN batch: INVALID ARGUMENT: {args}###\r\n", None

    def _defaults(self, args: str) -> tuple[str, CliEvent | None]:
        self.settings.reset()
        self.batch_error = False  # as Betaflight: a fresh start, the batch itself stays
        if self._wording.defaults_stays in args.lower().split():
            return self._wording.defaults_text, None
        return self._wording.defaults_text + "\r\nRebooting", CliEvent.SAVE

    def _feature(self, args: str) -> tuple[str, CliEvent | None]:
        if not args:
            on = [name for name in self.settings.table.features if name in self.settings.features]
            return f"Enabled: {' '.join(on)} \r\n", None
        remove = args.startswith("-")
        name = self.settings.feature_named(args.lstrip("-")) if args.lstrip("-") else None
        if name is None:
            return self._wording.invalid_name.format(command="feature", name=args), None
        if remove:
            self.settings.features.discard(name)
            return f"Disabled {name}\r\n", None
        self.settings.features.add(name)
        return f"Enabled {name}\r\n", None

    def _signature(self, args: str) -> tuple[str, CliEvent | None]:
        if args:  # the simulated board has no signature to set
            return self._wording.invalid_value.format(command="signature"), None
        return "signature \r\n", None

    def _exit(self, args: str) -> tuple[str, CliEvent | None]:
        if args.lower() == "noreboot" and not self._wording.noreboot_exits:
            return "", CliEvent.LEAVE
        return self._wording.exit_text + "\r\nRebooting", CliEvent.REBOOT

    def _get(self, args: str, command: str = "get") -> tuple[str, CliEvent | None]:
        names = self.settings.matching(args) if args else []
        if not names:
            return self._wording.invalid_name.format(command=command, name=args), None
        blocks = []
        for name in names:
            value = self.settings.value(name)
            lines = [f"{name} = {value}"]
            section = self.settings.table.section_of(name)
            if section != "master":
                index = (
                    self.settings.pid_profile
                    if section == "profile"
                    else self.settings.rate_profile
                )
                lines.append(f"{section} {index}")
            allowed = range_line(name, value)
            if allowed:
                lines.append(allowed)
            if not self.settings.is_default(name):
                lines.append(f"Default value: {self.settings.table.defaults[name][1]}")
            blocks.append("".join(line + "\r\n" for line in lines))
        return "\r\n".join(blocks) + self._wording.after_get, None

    def _set(self, args: str) -> tuple[str, CliEvent | None]:
        if "=" not in args:
            return self._get(args, "set")
        name, _, value = (part.strip() for part in args.partition("="))
        if name not in self.settings.table.defaults:
            return self._wording.invalid_name.format(command="set", name=name), None
        stored = check_value(name, value, self.settings.table.defaults[name][1])
        if stored is None or not value:
            return self._wording.invalid_value.format(command="set"), None
        self.settings.assign(name, stored)
        return f"{name} set to {stored}", None

    def _select(self, section: str, args: str) -> tuple[str, CliEvent | None]:
        if args:
            if not args.isdigit() or int(args) >= PROFILE_COUNT:
                return (
                    f"###ERROR IN {section}: {section.upper()} "
                    f"OUTSIDE OF [0..{PROFILE_COUNT - 1}]###\r\n",
                    None,
                )
            if section == "profile":
                self.settings.pid_profile = int(args)
            else:
                self.settings.rate_profile = int(args)
        index = self.settings.pid_profile if section == "profile" else self.settings.rate_profile
        return f"{section} {index}\r\n", None
