"""Little-endian readers and writers for MSP payloads, shared by every message layout."""

from __future__ import annotations

import struct
from typing import ClassVar, Protocol, Self, TypeVar

from .errors import ProtocolError
from .msp import Cmd

M = TypeVar("M", bound="Message")


class Message(Protocol):
    """A payload layout: the command it answers and how to read it."""

    cmd: ClassVar[Cmd]

    @classmethod
    def decode(cls, payload: bytes) -> Self: ...


class Reader:
    """Reads fields in order from one payload; knows its message's name for error messages."""

    def __init__(self, payload: bytes, name: str) -> None:
        self._data = bytes(payload)
        self._pos = 0
        self.name = name

    def require(self, size: int) -> None:
        """Raise ProtocolError unless at least `size` more bytes are there (the fixed part)."""
        if self.remaining < size:
            raise ProtocolError(
                f"{self.name} payload is {len(self._data)} bytes, shorter than the "
                f"{self._pos + size} bytes its fixed part needs"
            )

    @property
    def remaining(self) -> int:
        return len(self._data) - self._pos

    def has(self, size: int) -> bool:
        return self.remaining >= size

    def _unpack(self, fmt: str) -> int:
        size = struct.calcsize(fmt)
        self.require(size)
        (value,) = struct.unpack_from(fmt, self._data, self._pos)
        self._pos += size
        return int(value)

    def u8(self) -> int:
        return self._unpack("<B")

    def u16(self) -> int:
        return self._unpack("<H")

    def i16(self) -> int:
        return self._unpack("<h")

    def u32(self) -> int:
        return self._unpack("<I")

    def raw(self, size: int) -> bytes:
        self.require(size)
        data = self._data[self._pos : self._pos + size]
        self._pos += size
        return data

    def text(self, size: int) -> str:
        """A fixed-size text field; trailing NULs dropped. latin-1 keeps every byte."""
        return self.raw(size).rstrip(b"\0").decode("latin-1")

    def counted_text(self) -> str:
        """A text field preceded by its length byte."""
        return self.text(self.u8())

    def has_counted_text(self) -> bool:
        """Whether a whole length-prefixed text field is there (for optional trailing fields)."""
        return self.has(1) and self.has(1 + self._data[self._pos])

    def rest(self) -> bytes:
        data = self._data[self._pos :]
        self._pos = len(self._data)
        return data


class Writer:
    """Builds a payload field by field, in the same words as Reader."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def u8(self, value: int) -> Writer:
        self._parts.append(struct.pack("<B", value))
        return self

    def u16(self, value: int) -> Writer:
        self._parts.append(struct.pack("<H", value))
        return self

    def i16(self, value: int) -> Writer:
        self._parts.append(struct.pack("<h", value))
        return self

    def u32(self, value: int) -> Writer:
        self._parts.append(struct.pack("<I", value))
        return self

    def raw(self, data: bytes) -> Writer:
        self._parts.append(bytes(data))
        return self

    def text(self, value: str, size: int) -> Writer:
        """A fixed-size text field, padded with NULs (longer text is cut)."""
        return self.raw(value.encode("latin-1")[:size].ljust(size, b"\0"))

    def counted_text(self, value: str) -> Writer:
        data = value.encode("latin-1")[:255]
        return self.u8(len(data)).raw(data)

    def payload(self) -> bytes:
        return b"".join(self._parts)
