"""Every setting of the app, declared once: its environment variable, type, default and meaning.

`create_app()` reads the environment through `from_environment()` into `app.config`, where the
rest of the code finds each value under its key, always present; a test passes its own values
over them. The README's settings table lists the same variables (a test holds the two together).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class SettingError(ValueError):
    """An environment variable holds a value its setting cannot take; the message names both."""


def _whole_number(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError(raw)
    return value


def _port(raw: str) -> int:
    value = int(raw)
    if not 0 <= value < 65_536:
        raise ValueError(raw)
    return value


def _seconds(raw: str) -> float:
    value = float(raw)
    if not 0 < value < 86_400:  # also refuses nan and inf
        raise ValueError(raw)
    return value


def _switch(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in {"0", "1"}:
        raise ValueError(raw)
    return value == "1"


def _text(raw: str) -> str:
    if not raw.strip():
        raise ValueError(raw)
    return raw.strip()


#: What each parser expects, in the words of the error at start.
_EXPECTED: dict[Callable[[str], Any], str] = {
    _whole_number: "a whole number above 0",
    _port: "a port number from 0 to 65535",
    _seconds: "a number of seconds above 0",
    _switch: "1 or 0",
    _text: "a non-empty text",
}


@dataclass(frozen=True)
class Setting:
    """One setting: `key` in app.config, set by the environment variable `env`."""

    key: str
    env: str
    parse: Callable[[str], Any]
    #: None: unset, or derived from the instance folder by create_app().
    default: Any
    help: str

    def read(self, environ: Mapping[str, str]) -> Any:
        raw = environ.get(self.env)
        if raw is None or raw == "":
            return self.default
        try:
            return self.parse(raw)
        except ValueError:
            raise SettingError(
                f"{self.env} must be {_EXPECTED[self.parse]}, not {raw!r}."
            ) from None


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "INSTANCE_PATH",
        "WORKSHOP_INSTANCE_PATH",
        _text,
        None,
        "The folder of the database, photos, secret key and certificate "
        "(default: `instance/` beside the code).",
    ),
    Setting(
        "DATABASE_URL",
        "DATABASE_URL",
        _text,
        None,
        "A database other than the embedded SQLite file, e.g. "
        "`postgresql+psycopg://user:password@host/workshop`.",
    ),
    Setting(
        "SECRET_KEY",
        "SECRET_KEY",
        _text,
        None,
        "Signs the session cookies (default: a random key kept in the instance folder).",
    ),
    Setting(
        "DEMO",
        "WORKSHOP_DEMO",
        _switch,
        None,
        "1 puts demo data into an empty database, 0 never (default: only into the embedded "
        "SQLite database).",
    ),
    Setting(
        "HOST",
        "HOST",
        _text,
        "0.0.0.0",
        "The address `make run` listens on (default: every address of this computer).",
    ),
    Setting("PORT", "PORT", _port, 5000, "The port `make run` listens on."),
    Setting(
        "SERVER_THREADS",
        "WORKSHOP_THREADS",
        _whole_number,
        8,
        "How many requests the server answers at once (see the README's Performance).",
    ),
    Setting(
        "HTTPS",
        "WORKSHOP_HTTPS",
        _switch,
        False,
        "1 serves HTTPS with the workshop's own certificate, as `--https` does.",
    ),
    Setting(
        "BABEL_DEFAULT_TIMEZONE",
        "WORKSHOP_TIMEZONE",
        _text,
        "Europe/Kyiv",
        "The workshop's clock: times are stored in UTC and shown in this time zone.",
    ),
    Setting(
        "IDLE_LOGOUT_MINUTES",
        "WORKSHOP_IDLE_MINUTES",
        _whole_number,
        60,
        "Minutes without activity after which a tablet is logged out.",
    ),
    Setting(
        "SCAN_KEY_GAP_MS",
        "WORKSHOP_SCAN_KEY_GAP_MS",
        _whole_number,
        100,
        "The longest pause in ms between two keys of one scan; raise it for a slow scanner.",
    ),
    Setting(
        "FC_RUN_TIMEOUT",
        "WORKSHOP_FC_RUN_TIMEOUT",
        _seconds,
        120.0,
        "Seconds a whole flight-controller run may take before it is recorded as could not test.",
    ),
    Setting(
        "FC_MSP_TIMEOUT",
        "WORKSHOP_FC_MSP_TIMEOUT",
        _seconds,
        0.5,
        "Seconds to wait for one MSP answer from a flight controller; the CLI's waits "
        "derive from it.",
    ),
    Setting(
        "BACKUP_DIR",
        "WORKSHOP_BACKUP_DIR",
        _text,
        None,
        "The folder of the backups made at start and once a day (default: `backups/` in the "
        "instance folder).",
    ),
    Setting(
        "BACKUP_KEEP",
        "WORKSHOP_BACKUP_KEEP",
        _whole_number,
        14,
        "How many of the newest backups are kept; older ones are deleted.",
    ),
    Setting(
        "PRINTER_TIMEOUT_SECONDS",
        "WORKSHOP_PRINTER_TIMEOUT",
        _seconds,
        10.0,
        "Seconds to wait for a label printer to take a label.",
    ),
)

#: Settings that are not for the environment: they are how the app works.
FIXED: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "BABEL_DEFAULT_LOCALE": "uk",
    "LANGUAGES": ("uk", "en"),
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # a bench page may stay open all shift
    "PIN_HASH_METHOD": "scrypt",
}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Every setting's value from `environ`, or its default; SettingError names a bad one."""
    return FIXED | {setting.key: setting.read(environ) for setting in SETTINGS}
