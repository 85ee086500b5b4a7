"""MSP framing, v1 ($M), v2 ($X) and v2 tunnelled in v1: pure encoders and an incremental decoder.

Layouts follow Betaflight's src/main/msp/msp_serial.c:
  v1:  '$' 'M' dir size cmd payload xor(size, cmd, payload)
       jumbo (payload >= 255 bytes): size byte is 255, then a 16-bit little-endian size,
       and the checksum covers the three size bytes.
  v2:  '$' 'X' dir flags cmd16 size16 payload crc8_dvb_s2(flags .. payload)
  v2 over v1: a v1 frame with cmd 255 whose payload is flags cmd16 size16 payload crc8.
dir is '<' (request), '>' (response) or '!' (error: the command is not supported).
Command ids: Betaflight msp_protocol.h, msp_protocol_v2_common.h; INAV msp_protocol_v2_inav.h.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

DIRECTIONS = "<>!"
V2_OVER_V1_CMD = 255
JUMBO_SIZE = 255
#: Larger than any reply buffer in Betaflight or INAV; a header claiming more is noise.
DEFAULT_MAX_PAYLOAD = 8192

_V2_HEADER = struct.Struct("<BHH")  # flags, cmd, size


def _make_crc8_table() -> bytes:
    table = bytearray(256)
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = ((crc << 1) ^ 0xD5) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
        table[i] = crc
    return bytes(table)


_CRC8_TABLE = _make_crc8_table()


def crc8_dvb_s2(data: bytes | bytearray, crc: int = 0) -> int:
    """CRC-8/DVB-S2 (polynomial 0xD5), as MSP v2 uses it."""
    for byte in data:
        crc = _CRC8_TABLE[crc ^ byte]
    return crc


def xor_checksum(data: bytes | bytearray, checksum: int = 0) -> int:
    """The MSP v1 checksum: XOR of every byte."""
    for byte in data:
        checksum ^= byte
    return checksum


@dataclass(frozen=True)
class Frame:
    """One MSP frame, whatever its wire format."""

    version: int  # 1 ($M) or 2 ($X, and v2 tunnelled in v1 cmd 255)
    direction: str  # "<" request, ">" response, "!" error
    cmd: int
    payload: bytes = b""
    flags: int = 0  # v2 only
    tunnelled: bool = False  # v2 carried inside a v1 frame (cmd 255); answer the same way

    @property
    def is_error(self) -> bool:
        return self.direction == "!"


def _check_direction(direction: str) -> bytes:
    if len(direction) != 1 or direction not in DIRECTIONS:
        raise ValueError(f"MSP direction must be one of {DIRECTIONS!r}, not {direction!r}")
    return direction.encode("ascii")


def encode_v1(cmd: int, payload: bytes = b"", direction: str = "<") -> bytes:
    """A v1 frame; a jumbo frame when the payload is 255 bytes or more."""
    dir_byte = _check_direction(direction)
    if not 0 <= cmd <= 255:
        raise ValueError(f"MSP v1 command must fit a byte, not {cmd}")
    if len(payload) > 0xFFFF:
        raise ValueError(f"MSP v1 payload too long ({len(payload)} bytes)")
    if len(payload) >= JUMBO_SIZE:
        sizes = struct.pack("<BBH", JUMBO_SIZE, cmd, len(payload))
    else:
        sizes = bytes((len(payload), cmd))
    checksum = xor_checksum(payload, xor_checksum(sizes))
    return b"$M" + dir_byte + sizes + bytes(payload) + bytes((checksum,))


def _v2_body(cmd: int, payload: bytes, flags: int) -> bytes:
    if not 0 <= cmd <= 0xFFFF:
        raise ValueError(f"MSP v2 command must fit 16 bits, not {cmd}")
    if not 0 <= flags <= 255:
        raise ValueError(f"MSP v2 flags must fit a byte, not {flags}")
    if len(payload) > 0xFFFF:
        raise ValueError(f"MSP v2 payload too long ({len(payload)} bytes)")
    body = _V2_HEADER.pack(flags, cmd, len(payload)) + bytes(payload)
    return body + bytes((crc8_dvb_s2(body),))


def encode_v2(cmd: int, payload: bytes = b"", direction: str = "<", flags: int = 0) -> bytes:
    """A native v2 frame ($X)."""
    return b"$X" + _check_direction(direction) + _v2_body(cmd, payload, flags)


def encode_v2_over_v1(
    cmd: int, payload: bytes = b"", direction: str = "<", flags: int = 0
) -> bytes:
    """A v2 frame tunnelled in a v1 frame with command 255."""
    return encode_v1(V2_OVER_V1_CMD, _v2_body(cmd, payload, flags), direction)


def encode(frame: Frame) -> bytes:
    """The wire bytes of a frame."""
    if frame.version == 1:
        return encode_v1(frame.cmd, frame.payload, frame.direction)
    if frame.version == 2:
        encoder = encode_v2_over_v1 if frame.tunnelled else encode_v2
        return encoder(frame.cmd, frame.payload, frame.direction, frame.flags)
    raise ValueError(f"MSP version must be 1 or 2, not {frame.version}")


# Outcome of trying to read a frame at the start of a buffer.
_INCOMPLETE = 0  # could still become a frame: wait for more bytes
_NOT_A_FRAME = 1  # the header is not MSP: skip this '$'
_BAD_CHECK = 2  # a whole frame arrived but its checksum or CRC is wrong


def _parse_v2_body(body: bytes, direction: str, tunnelled: bool) -> Frame | None:
    """flags cmd16 size16 payload crc8 -> Frame, or None if the length or CRC is wrong."""
    if len(body) < _V2_HEADER.size + 1:
        return None
    flags, cmd, size = _V2_HEADER.unpack_from(body)
    if len(body) != _V2_HEADER.size + size + 1 or crc8_dvb_s2(body[:-1]) != body[-1]:
        return None
    payload = bytes(body[_V2_HEADER.size : -1])
    return Frame(2, direction, cmd, payload, flags, tunnelled)


def _parse_at(buf: bytearray, start: int, max_payload: int) -> tuple[int, int, Frame | None]:
    """Try to read one frame at buf[start] (a '$').

    Returns (outcome, or -1 for a frame; its length; the frame).
    """
    avail = len(buf) - start
    if avail < 2:
        return _INCOMPLETE, 0, None
    magic = buf[start + 1]
    if magic not in b"MX":
        return _NOT_A_FRAME, 0, None
    if avail < 3:
        return _INCOMPLETE, 0, None
    direction = chr(buf[start + 2])
    if direction not in DIRECTIONS:
        return _NOT_A_FRAME, 0, None
    if magic == ord("M"):
        return _parse_v1_at(buf, start, direction, max_payload)
    return _parse_v2_at(buf, start, direction, max_payload)


def _parse_v1_at(
    buf: bytearray, start: int, direction: str, max_payload: int
) -> tuple[int, int, Frame | None]:
    avail = len(buf) - start
    if avail < 5:
        return _INCOMPLETE, 0, None
    size, cmd = buf[start + 3], buf[start + 4]
    header_len = 5
    if size == JUMBO_SIZE:
        if avail < 7:
            return _INCOMPLETE, 0, None
        size = buf[start + 5] | buf[start + 6] << 8
        header_len = 7
    if size > max_payload:
        return _NOT_A_FRAME, 0, None
    total = header_len + size + 1
    if avail < total:
        return _INCOMPLETE, 0, None
    checked = buf[start + 3 : start + header_len + size]
    if xor_checksum(checked) != buf[start + total - 1]:
        return _BAD_CHECK, total, None
    payload = bytes(buf[start + header_len : start + header_len + size])
    if cmd == V2_OVER_V1_CMD:
        inner = _parse_v2_body(payload, direction, tunnelled=True)
        # Betaflight drops a tunnelled frame whose inner CRC is wrong; so do we.
        return (-1, total, inner) if inner else (_BAD_CHECK, total, None)
    return -1, total, Frame(1, direction, cmd, payload)


def _parse_v2_at(
    buf: bytearray, start: int, direction: str, max_payload: int
) -> tuple[int, int, Frame | None]:
    avail = len(buf) - start
    if avail < 3 + _V2_HEADER.size:
        return _INCOMPLETE, 0, None
    _flags, _cmd, size = _V2_HEADER.unpack_from(buf, start + 3)
    if size > max_payload:
        return _NOT_A_FRAME, 0, None
    total = 3 + _V2_HEADER.size + size + 1
    if avail < total:
        return _INCOMPLETE, 0, None
    frame = _parse_v2_body(bytes(buf[start + 3 : start + total]), direction, tunnelled=False)
    return (-1, total, frame) if frame else (_BAD_CHECK, total, None)


class FrameDecoder:
    """Incremental MSP decoder: feed it bytes as they come, get whole frames back.

    It never raises. Bytes that are not part of a valid frame (noise, CLI text, frames with a
    bad checksum) are kept for drain_stray(); frames dropped for a bad checksum or CRC are
    counted in `rejected`.
    """

    def __init__(self, max_payload: int = DEFAULT_MAX_PAYLOAD) -> None:
        self.max_payload = max_payload
        self.rejected = 0
        self._buf = bytearray()
        self._stray = bytearray()

    def feed(self, data: bytes) -> list[Frame]:
        """Add received bytes; return every frame they complete, in order."""
        self._buf += data
        frames: list[Frame] = []
        buf = self._buf
        while buf:
            start = buf.find(b"$")
            if start < 0:
                self._discard(len(buf))
                break
            if start:
                self._discard(start)
            outcome, length, frame = _parse_at(buf, 0, self.max_payload)
            if frame is not None:
                frames.append(frame)
                del buf[:length]
            elif outcome == _INCOMPLETE:
                # A noise header can claim a long payload; a valid frame that arrives whole
                # after it must not wait behind it.
                later = self._complete_frame_after(1)
                if later is None:
                    break
                self._discard(later)
            else:
                if outcome == _BAD_CHECK:
                    self.rejected += 1
                # Skip only the '$': a real frame may start inside what looked like one.
                self._discard(1)
        return frames

    def _complete_frame_after(self, offset: int) -> int | None:
        """Where the first complete valid frame starting at or after offset begins, if any."""
        buf = self._buf
        pos = buf.find(b"$", offset)
        while pos >= 0:
            _outcome, _length, frame = _parse_at(buf, pos, self.max_payload)
            if frame is not None:
                return pos
            pos = buf.find(b"$", pos + 1)
        return None

    def _discard(self, count: int) -> None:
        self._stray += self._buf[:count]
        del self._buf[:count]

    def drain_stray(self) -> bytes:
        """Bytes seen outside any frame since the last call."""
        stray = bytes(self._stray)
        self._stray.clear()
        return stray

    @property
    def pending(self) -> bytes:
        """Bytes held back because they may still become a frame."""
        return bytes(self._buf)

    def reset(self) -> None:
        """Give up on a partial frame (after a timeout): its bytes become stray."""
        self._discard(len(self._buf))


class Cmd(IntEnum):
    """The MSP commands firmware_checks asks or answers."""

    MSP_API_VERSION = 1
    MSP_FC_VARIANT = 2
    MSP_FC_VERSION = 3
    MSP_BOARD_INFO = 4
    MSP_BUILD_INFO = 5
    MSP_NAME = 10
    MSP_FEATURE_CONFIG = 36
    MSP_VTX_CONFIG = 88
    MSP_SENSOR_CONFIG = 96
    MSP_STATUS = 101
    MSP_RAW_IMU = 102
    MSP_MOTOR = 104
    MSP_RC = 105
    MSP_ATTITUDE = 108
    MSP_ANALOG = 110
    MSP_BATTERY_STATE = 130
    MSP_MOTOR_CONFIG = 131
    MSP_ESC_SENSOR_DATA = 134
    MSP_MOTOR_TELEMETRY = 139
    MSP_STATUS_EX = 150
    MSP_SENSOR_STATUS = 151  # INAV only: hardware health per sensor
    MSP_UID = 160
    MSP_SET_MOTOR = 214  # 8 x u16; spins motors: only on explicit confirmation, props off
    MSP_MULTIPLE_MSP = 230  # Betaflight: several commands in one request (batch.py); not INAV
    MSP_V2_FRAME = 255  # v1 frames with this command carry a v2 frame
    MSP2_INAV_STATUS = 0x2000
    MSP2_INAV_ANALOG = 0x2002
    MSP2_INAV_ESC_RPM = 0x2040  # INAV built with USE_ESC_SENSOR: u32 rpm a motor
    MSP2_SENSOR_CONFIG_ACTIVE = 0x300A
    MSP2_MCU_INFO = 0x300C
