"""MSP framing against the real firmware transcripts and the cases they show."""

from __future__ import annotations

import pytest
from transcripts import load_exchanges

from firmware_checks import msp
from firmware_checks.msp import Frame, FrameDecoder

EXCHANGES = load_exchanges()
ANSWERED = [e for e in EXCHANGES if e.response is not None]
UNANSWERED = [e for e in EXCHANGES if e.response is None]


def decode_all(data: bytes) -> tuple[list[Frame], FrameDecoder]:
    decoder = FrameDecoder()
    return decoder.feed(data), decoder


def test_crc8_dvb_s2_check_value():
    # The catalogue check value of CRC-8/DVB-S2 over "123456789".
    assert msp.crc8_dvb_s2(b"123456789") == 0xBC


@pytest.mark.parametrize("ex", ANSWERED, ids=lambda e: e.id)
def test_every_answer_decodes_to_one_frame_as_recorded(ex):
    frames, decoder = decode_all(ex.response)
    assert len(frames) == 1 and decoder.rejected == 0 and decoder.drain_stray() == b""
    frame = frames[0]
    recorded = ex.decoded["_frame"]
    if "v2_inner" in ex.decoded:  # v2 tunnelled in v1 command 255: the inner frame is the answer
        inner = ex.decoded["v2_inner"]
        assert (frame.version, frame.tunnelled, frame.cmd, frame.flags) == (
            2,
            True,
            inner["cmd"],
            inner["flags"],
        )
        assert len(frame.payload) == inner["size"]
        assert (recorded["version"], recorded["cmd"]) == (1, 255)
    else:
        assert (frame.version, frame.cmd, frame.flags) == (
            recorded["version"],
            recorded["cmd"],
            recorded["flags"],
        )
        assert len(frame.payload) == recorded["payload_len"]
    assert frame.direction == recorded["direction"]
    assert frame.is_error == bool(ex.decoded.get("_error"))


@pytest.mark.parametrize("ex", ANSWERED, ids=lambda e: e.id)
def test_every_answer_reencodes_to_the_same_bytes(ex):
    (frame,), _ = decode_all(ex.response)
    assert msp.encode(frame) == ex.response


@pytest.mark.parametrize(
    "ex", [e for e in ANSWERED if len(e.request) <= 12 and e.test is None], ids=lambda e: e.id
)
def test_our_requests_are_byte_for_byte_what_was_sent(ex):
    (request,), _ = decode_all(ex.request)
    assert request.direction == "<" and request.payload == b""
    assert msp.encode(request) == ex.request
    if request.version == 1:
        assert msp.encode_v1(ex.cmd) == ex.request
    elif request.tunnelled:
        assert msp.encode_v2_over_v1(ex.cmd) == ex.request
    else:
        assert msp.encode_v2(ex.cmd) == ex.request


@pytest.mark.parametrize("ex", UNANSWERED, ids=lambda e: e.id)
def test_requests_the_firmware_ignored_have_a_bad_checksum(ex):
    frames, decoder = decode_all(ex.request)
    assert frames == []
    assert decoder.rejected == 1


@pytest.mark.parametrize(
    "ex", [e for e in EXCHANGES if e.name == "BAD_THEN_GOOD_SAME_WRITE"], ids=lambda e: e.id
)
def test_bad_frame_then_good_frame_in_one_write_yields_the_good_one(ex):
    frames, decoder = decode_all(ex.request)
    assert [(f.cmd, f.direction) for f in frames] == [(1, "<")]
    assert decoder.rejected == 1
    assert decoder.drain_stray() == ex.request[:6]


@pytest.mark.parametrize("ex", ANSWERED, ids=lambda e: e.id)
def test_answers_fed_one_byte_at_a_time(ex):
    decoder = FrameDecoder()
    frames = [f for i in range(len(ex.response)) for f in decoder.feed(ex.response[i : i + 1])]
    assert [msp.encode(f) for f in frames] == [ex.response]


def test_error_frames_echo_the_command_with_no_payload():
    errors = [e for e in ANSWERED if e.decoded.get("_error")]
    assert {e.cmd for e in errors} >= {9, 88, 134, 0x4FFF}
    for ex in errors:
        (frame,), _ = decode_all(ex.response)
        assert frame == Frame(frame.version, "!", ex.cmd)


def test_jumbo_v1_frame_round_trips():
    payload = bytes(range(256)) * 2
    data = msp.encode_v1(116, payload, ">")
    assert data[3] == 255 and data[5:7] == len(payload).to_bytes(2, "little")
    assert decode_all(data)[0] == [Frame(1, ">", 116, payload)]


def test_254_byte_payload_is_not_jumbo_and_255_is():
    assert msp.encode_v1(1, bytes(254))[3] == 254
    assert msp.encode_v1(1, bytes(255))[3:7] == bytes([255, 1, 255, 0])


def test_v2_frame_with_flags_and_16_bit_command():
    data = msp.encode_v2(0x300A, b"\x01\x02", ">", flags=0x01)
    assert data[:9] == b"$X>\x01\x0a\x30\x02\x00\x01"
    assert decode_all(data)[0] == [Frame(2, ">", 0x300A, b"\x01\x02", 0x01)]


def test_tunnelled_frame_with_a_bad_inner_crc_is_rejected():
    good = bytearray(msp.encode_v2_over_v1(1, b"\x00\x01\x2f", ">"))
    good[-2] ^= 0xFF  # inner CRC
    good[-1] ^= 0xFF  # keep the outer checksum right
    frames, decoder = decode_all(bytes(good))
    assert frames == [] and decoder.rejected == 1


def test_text_between_frames_is_reported_as_stray():
    answer = msp.encode_v1(1, b"\x00\x01\x2e", ">")
    frames, decoder = decode_all(b"\r\n# " + answer + b"Entering CLI Mode")
    assert frames == [Frame(1, ">", 1, b"\x00\x01\x2e")]
    assert decoder.drain_stray() == b"\r\n# Entering CLI Mode"
    assert decoder.drain_stray() == b""


def test_header_claiming_a_huge_payload_does_not_hide_a_later_frame():
    noise = b"$M>\xff\x01\xff\xff"  # jumbo header claiming 65535 bytes
    answer = msp.encode_v1(2, b"BTFL", ">")
    frames, _ = decode_all(noise + answer)
    assert frames == [Frame(1, ">", 2, b"BTFL")]


def test_incomplete_frame_waits_for_the_rest():
    answer = msp.encode_v2(1, b"\x00\x01\x2f", ">")
    decoder = FrameDecoder()
    assert decoder.feed(answer[:5]) == []
    assert decoder.pending == answer[:5]
    assert decoder.feed(answer[5:]) == [Frame(2, ">", 1, b"\x00\x01\x2f")]


def test_reset_turns_a_partial_frame_into_stray_bytes():
    decoder = FrameDecoder()
    decoder.feed(b"$M>\x05\x01ab")
    decoder.reset()
    assert decoder.pending == b"" and decoder.drain_stray() == b"$M>\x05\x01ab"


@pytest.mark.parametrize(
    "call",
    [
        lambda: msp.encode_v1(256),
        lambda: msp.encode_v1(1, direction="?"),
        lambda: msp.encode_v2(0x10000),
        lambda: msp.encode_v2(1, flags=256),
        lambda: msp.encode(Frame(3, "<", 1)),
    ],
)
def test_encoders_refuse_what_cannot_be_framed(call):
    with pytest.raises(ValueError):
        call()
