"""Payloads that say what a flight controller is: firmware, board, build, MCU id, name.

Layouts from Betaflight src/main/msp/msp.c (mspCommonProcessOutCommand) and INAV fc_msp.c,
checked against tests/fixtures/firmware/. Every decode reads the fields it knows, keeps any
trailing bytes as `extra`, and raises ProtocolError only if the fixed part is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from .msp import Cmd
from .payload import Reader, Writer


@dataclass(frozen=True)
class ApiVersion:
    cmd: ClassVar[Cmd] = Cmd.MSP_API_VERSION
    msp_protocol: int
    api_major: int
    api_minor: int
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> ApiVersion:
        r = Reader(payload, "MSP_API_VERSION")
        return cls(r.u8(), r.u8(), r.u8(), r.rest())

    def encode(self) -> bytes:
        return (
            Writer()
            .u8(self.msp_protocol)
            .u8(self.api_major)
            .u8(self.api_minor)
            .raw(self.extra)
            .payload()
        )

    @property
    def version(self) -> tuple[int, int]:
        return (self.api_major, self.api_minor)

    def __str__(self) -> str:
        return f"{self.api_major}.{self.api_minor}"


@dataclass(frozen=True)
class FcVariant:
    cmd: ClassVar[Cmd] = Cmd.MSP_FC_VARIANT
    variant: str  # "BTFL", "INAV", "EMUF", ...
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> FcVariant:
        r = Reader(payload, "MSP_FC_VARIANT")
        return cls(r.text(4), r.rest())

    def encode(self) -> bytes:
        return Writer().text(self.variant, 4).raw(self.extra).payload()


@dataclass(frozen=True)
class FcVersion:
    cmd: ClassVar[Cmd] = Cmd.MSP_FC_VERSION
    major: int
    minor: int
    patch: int
    version_string: str | None = None  # Betaflight 2025.12 on: "2025.12.5"
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> FcVersion:
        r = Reader(payload, "MSP_FC_VERSION")
        major, minor, patch = r.u8(), r.u8(), r.u8()
        version_string = r.counted_text() if r.has_counted_text() else None
        return cls(major, minor, patch, version_string, r.rest())

    def encode(self) -> bytes:
        w = Writer().u8(self.major).u8(self.minor).u8(self.patch)
        if self.version_string is not None:
            w.counted_text(self.version_string)
        return w.raw(self.extra).payload()

    def __str__(self) -> str:
        return self.version_string or f"{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True)
class BoardInfo:
    """MSP_BOARD_INFO. INAV stops after the target name; Betaflight sends everything."""

    cmd: ClassVar[Cmd] = Cmd.MSP_BOARD_INFO
    board_identifier: str
    hardware_revision: int
    fc_type: int  # Betaflight: 2 with a MAX7456 OSD chip, else 0; INAV: 2 (OSD supported)
    target_capabilities: int
    target_name: str
    board_name: str | None = None
    manufacturer_id: str | None = None
    signature: bytes | None = None  # 32 bytes
    mcu_type_id: int | None = None
    configuration_state: int | None = None
    gyro_sample_rate_hz: int | None = None
    configuration_problems: int | None = None
    spi_device_count: int | None = None
    i2c_device_count: int | None = None
    extra: bytes = b""

    SIGNATURE_SIZE: ClassVar[int] = 32

    @classmethod
    def decode(cls, payload: bytes) -> BoardInfo:
        r = Reader(payload, "MSP_BOARD_INFO")
        head = (r.text(4), r.u16(), r.u8(), r.u8(), r.counted_text())
        # The tail arrives in one piece on Betaflight; read each field only if it is there.
        readers: tuple[tuple[str, Callable[[], object], Callable[[], bool]], ...] = (
            ("board_name", r.counted_text, r.has_counted_text),
            ("manufacturer_id", r.counted_text, r.has_counted_text),
            ("signature", lambda: r.raw(cls.SIGNATURE_SIZE), lambda: r.has(cls.SIGNATURE_SIZE)),
            ("mcu_type_id", r.u8, lambda: r.has(1)),
            ("configuration_state", r.u8, lambda: r.has(1)),
            ("gyro_sample_rate_hz", r.u16, lambda: r.has(2)),
            ("configuration_problems", r.u32, lambda: r.has(4)),
            ("spi_device_count", r.u8, lambda: r.has(1)),
            ("i2c_device_count", r.u8, lambda: r.has(1)),
        )
        tail: dict[str, Any] = {}
        for name, read, present in readers:
            if not present():
                break
            tail[name] = read()
        return cls(*head, **tail, extra=r.rest())

    def encode(self) -> bytes:
        w = Writer().text(self.board_identifier, 4).u16(self.hardware_revision)
        w.u8(self.fc_type).u8(self.target_capabilities).counted_text(self.target_name)
        writers: tuple[tuple[Any, Callable[[Any], Writer]], ...] = (
            (self.board_name, w.counted_text),
            (self.manufacturer_id, w.counted_text),
            (self.signature, w.raw),
            (self.mcu_type_id, w.u8),
            (self.configuration_state, w.u8),
            (self.gyro_sample_rate_hz, w.u16),
            (self.configuration_problems, w.u32),
            (self.spi_device_count, w.u8),
            (self.i2c_device_count, w.u8),
        )
        for value, write in writers:
            if value is None:
                break
            write(value)
        return w.raw(self.extra).payload()


@dataclass(frozen=True)
class BuildInfo:
    """MSP_BUILD_INFO: date, time, git revision; Betaflight 4.5 on adds 16-bit build option ids."""

    cmd: ClassVar[Cmd] = Cmd.MSP_BUILD_INFO
    build_date: str  # "Nov 27 2026"
    build_time: str  # "13:46:36"
    git_revision: str  # 7 characters on Betaflight, 8 on INAV
    build_option_ids: tuple[int, ...] = ()
    extra: bytes = b""

    DATE_SIZE: ClassVar[int] = 11
    TIME_SIZE: ClassVar[int] = 8

    @classmethod
    def decode(cls, payload: bytes, revision_length: int | None = None) -> BuildInfo:
        """revision_length: 7 (Betaflight) or 8 (INAV); by default guessed from the length.

        Betaflight sends 26 bytes plus 2 a build option, always an even count; INAV sends 27.
        """
        if revision_length is None:
            revision_length = 8 if len(payload) % 2 else 7
        r = Reader(payload, "MSP_BUILD_INFO")
        date, time, revision = r.text(cls.DATE_SIZE), r.text(cls.TIME_SIZE), r.text(revision_length)
        options = []
        while r.has(2):
            options.append(r.u16())
        return cls(date, time, revision, tuple(options), r.rest())

    def encode(self) -> bytes:
        w = Writer().text(self.build_date, self.DATE_SIZE).text(self.build_time, self.TIME_SIZE)
        w.text(self.git_revision, max(7, len(self.git_revision)))
        for option in self.build_option_ids:
            w.u16(option)
        return w.raw(self.extra).payload()


@dataclass(frozen=True)
class McuUniqueId:
    """MSP_UID: the MCU's 96-bit unique id, as three 32-bit words."""

    cmd: ClassVar[Cmd] = Cmd.MSP_UID
    words: tuple[int, int, int]
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> McuUniqueId:
        r = Reader(payload, "MSP_UID")
        return cls((r.u32(), r.u32(), r.u32()), r.rest())

    def encode(self) -> bytes:
        w = Writer()
        for word in self.words:
            w.u32(word)
        return w.raw(self.extra).payload()

    @property
    def hex(self) -> str:
        """The id as the bytes on the wire, in hex: how it is stored and compared."""
        return self.encode()[:12].hex()


@dataclass(frozen=True)
class Name:
    """MSP_NAME: the craft name, the whole payload (empty when not set)."""

    cmd: ClassVar[Cmd] = Cmd.MSP_NAME
    craft_name: str

    @classmethod
    def decode(cls, payload: bytes) -> Name:
        return cls(bytes(payload).rstrip(b"\0").decode("latin-1"))

    def encode(self) -> bytes:
        return self.craft_name.encode("latin-1")


@dataclass(frozen=True)
class McuInfo:
    """MSP2_MCU_INFO (Betaflight 2025.12 on): MCU type id and name."""

    cmd: ClassVar[Cmd] = Cmd.MSP2_MCU_INFO
    mcu_type_id: int
    mcu_name: str
    extra: bytes = b""

    @classmethod
    def decode(cls, payload: bytes) -> McuInfo:
        r = Reader(payload, "MSP2_MCU_INFO")
        return cls(r.u8(), r.counted_text(), r.rest())

    def encode(self) -> bytes:
        return Writer().u8(self.mcu_type_id).counted_text(self.mcu_name).raw(self.extra).payload()
