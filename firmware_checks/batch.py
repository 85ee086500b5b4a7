"""MSP_MULTIPLE_MSP (230): many commands in one request, the way Betaflight answers them.

Pure, no I/O. The request payload is one command byte a command (v1 commands without
arguments); the answer payload is, for each command that fit in the flight controller's output
buffer, one length byte and that command's answer. Commands that did not fit are left out at the
end: the client asks again for them. Betaflight's src/main/msp/msp.c, `case MSP_MULTIPLE_MSP:`,
in two generations (`BatchRules`):

- up to 4.5 (MSP API 1.46): the budget is the output buffer less one byte, and a command the
  firmware does not know gets an empty answer inside the batch;
- from 2025.12 (API 1.47, betaflight PR 13881): the budget is the whole output buffer, only
  commands without arguments are run, and any other command turns the whole batch into an
  error frame.

Both store each answer's length in one byte and count sizes in `uint8_t`: an answer longer
than 254 bytes is miscounted or garbled, so never batch a command whose answer can be that long.
INAV does not know MSP_MULTIPLE_MSP and answers it with an error frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from .errors import ProtocolError

#: Betaflight's MSP_PORT_OUTBUF_SIZE on a board without onboard flash (SITL included);
#: with USE_FLASHFS it is 4096 + 16 (msp_serial.h).
OUTBUF_SIZE = 320
OUTBUF_SIZE_WITH_FLASH = 4096 + 16
#: Command 255 is the MSP v2 tunnel; commands above it are v2 only: neither fits in a batch.
LAST_BATCHABLE_CMD = 254


class BatchRules(Enum):
    """How a Betaflight generation answers MSP_MULTIPLE_MSP."""

    EMPTY_FOR_UNKNOWN = "betaflight-4.5"  # budget outbuf - 1; unknown command: empty answer
    ERROR_FOR_UNKNOWN = "betaflight-2025.12"  # budget outbuf; unknown command: error frame


def batchable(cmd: int) -> bool:
    """True for a command that can go inside a batch (one byte, not the v2 tunnel)."""
    return 0 <= cmd <= LAST_BATCHABLE_CMD


def encode_batch_request(cmds: Sequence[int]) -> bytes:
    """The MSP_MULTIPLE_MSP request payload; ValueError for an empty list or a v2-only command."""
    if not cmds:
        raise ValueError(
            "a batch needs at least one command "
            "(Betaflight answers an empty one with an error frame)"
        )
    wrong = [cmd for cmd in cmds if not batchable(cmd)]
    if wrong:
        raise ValueError(
            f"commands {wrong} cannot go in a batch: only v1 commands 0..{LAST_BATCHABLE_CMD}"
        )
    return bytes(cmds)


@dataclass(frozen=True)
class BatchAnswer:
    """A split MSP_MULTIPLE_MSP answer: the answers that fit (in order), the commands left out."""

    answers: tuple[tuple[int, bytes], ...]
    left_out: tuple[int, ...]

    @classmethod
    def decode(cls, cmds: Sequence[int], payload: bytes) -> BatchAnswer:
        """Split payload by the commands asked; ProtocolError when it cannot be their answer."""
        answers: list[tuple[int, bytes]] = []
        offset = 0
        for index, cmd in enumerate(cmds):
            if offset == len(payload):
                return cls(tuple(answers), tuple(cmds[index:]))
            size = payload[offset]
            end = offset + 1 + size
            if end > len(payload):
                raise ProtocolError(
                    f"garbled MSP_MULTIPLE_MSP answer: the answer to command {cmd} claims {size} "
                    f"bytes but only {len(payload) - offset - 1} follow"
                )
            answers.append((cmd, bytes(payload[offset + 1 : end])))
            offset = end
        if offset != len(payload):
            raise ProtocolError(
                f"garbled MSP_MULTIPLE_MSP answer: {len(payload) - offset} bytes after the answers "
                f"to all {len(cmds)} commands asked"
            )
        return cls(tuple(answers), ())

    def as_dict(self) -> dict[int, bytes]:
        return dict(self.answers)


def answer_batch(
    request: bytes,
    answer_one: Callable[[int], bytes | None],
    *,
    rules: BatchRules,
    outbuf_size: int = OUTBUF_SIZE,
) -> bytes | None:
    """What Betaflight answers to an MSP_MULTIPLE_MSP request; None: an error frame.

    answer_one(cmd) is the firmware's answer to one command without arguments (None: it does not
    know it). Betaflight runs each command twice (once to measure, once to write); this runs it
    once and reuses the answer, which changes nothing for answers whose size does not vary.
    """
    if not request:
        return None
    budget = outbuf_size - (1 if rules is BatchRules.EMPTY_FOR_UNKNOWN else 0)
    fitted: list[bytes] = []
    for cmd in request:
        if budget <= 0:
            break
        answer = answer_one(cmd)
        if answer is None:
            if rules is BatchRules.ERROR_FOR_UNKNOWN:
                return None
            answer = b""
        budget -= (len(answer) + 1) & 0xFF  # uint8_t mspSize in msp.c
        if budget >= 0:
            fitted.append(answer)
    return b"".join(bytes([len(answer) & 0xFF]) + answer for answer in fitted)
