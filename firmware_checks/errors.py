"""Exceptions raised by firmware_checks; str() of each is a sentence a bench operator can read."""

from __future__ import annotations


class FirmwareCheckError(Exception):
    """Base of every error this package raises on purpose."""


class NoResponse(FirmwareCheckError):
    """Nothing (valid) came back before the timeout."""


class ProtocolError(FirmwareCheckError):
    """The other end answered, but not with what MSP says it should."""


class UnsupportedCommand(ProtocolError):
    """The flight controller answered with an error frame ($M! / $X!) for this command."""

    def __init__(self, cmd: int, message: str | None = None) -> None:
        self.cmd = cmd
        super().__init__(
            message
            or f"the flight controller does not support MSP command {cmd} "
            "(it answered with an error frame)"
        )


class Disconnected(FirmwareCheckError):
    """The port went away: cable pulled, flight controller rebooted, socket closed."""


class PortUnavailable(FirmwareCheckError):
    """The port cannot be opened: missing, busy or no permission."""
