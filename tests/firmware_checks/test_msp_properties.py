"""Properties of MSP framing that must hold for any input."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from firmware_checks import msp
from firmware_checks.msp import Frame, FrameDecoder

payloads = st.binary(max_size=600)  # past 255, so jumbo v1 frames are covered

v1_frames = st.builds(
    Frame, version=st.just(1), direction=st.sampled_from("<>!"),
    cmd=st.integers(0, 254), payload=payloads,
)  # fmt: skip
v2_frames = st.builds(
    Frame, version=st.just(2), direction=st.sampled_from("<>!"), cmd=st.integers(0, 0xFFFF),
    payload=payloads, flags=st.integers(0, 255), tunnelled=st.booleans(),
)  # fmt: skip
frames = st.one_of(v1_frames, v2_frames)

# Noise that may look like the start of a frame, since that is what fools a decoder.
noise = st.lists(
    st.one_of(
        st.binary(max_size=20),
        st.sampled_from([b"$", b"$M", b"$X", b"$M<", b"$X>", b"$M>\xff", b"\r\n# "]),
    ),
    max_size=8,
).map(b"".join)


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


@given(st.binary(max_size=2000), st.lists(st.integers(0, 2000), max_size=10))
def test_any_byte_stream_never_raises(data, cuts):
    decoder = FrameDecoder()
    for chunk in chunked(data, cuts):
        for frame in decoder.feed(chunk):
            assert isinstance(frame, Frame)
    decoder.drain_stray()
    decoder.reset()


@given(frames)
def test_any_encoded_frame_decodes_to_itself(frame):
    decoder = FrameDecoder()
    assert decoder.feed(msp.encode(frame)) == [frame]
    assert decoder.drain_stray() == b"" and decoder.rejected == 0


@given(frames, st.lists(st.integers(0, 1000), max_size=6))
def test_a_frame_split_anywhere_decodes_to_itself(frame, cuts):
    decoder = FrameDecoder()
    found = [f for chunk in chunked(msp.encode(frame), cuts) for f in decoder.feed(chunk)]
    assert found == [frame]


def found_unless_noise_framed(expected: list[Frame], found: list[Frame]) -> bool:
    """Every expected frame came out, in order, unless noise happened to form a valid frame.

    Noise that forms a valid frame cannot be told from a real one by any decoder (MSP v1's XOR
    checksum lets one noise header in 256 pass), and it may swallow the frames after it.
    """
    if any(f not in expected for f in found):
        return True
    return found[-len(expected) :] == expected


@given(noise, frames, noise)
def test_a_valid_frame_inside_garbage_is_found(before, frame, after):
    decoder = FrameDecoder()
    found = decoder.feed(before + msp.encode(frame) + after)
    assert frame in found or found_unless_noise_framed([frame], found)


@given(noise, frames, frames)
def test_frames_after_garbage_come_out_in_order(before, first, second):
    decoder = FrameDecoder()
    assert found_unless_noise_framed(
        [first, second], decoder.feed(before + msp.encode(first) + msp.encode(second))
    )


@given(st.binary(max_size=40), frames)
def test_noise_without_a_frame_start_never_hides_a_frame(before, frame):
    decoder = FrameDecoder()
    assert frame in decoder.feed(before.replace(b"$", b"") + msp.encode(frame))


@given(frames, st.integers(0, 10_000), st.integers(1, 255))
def test_a_corrupted_frame_is_never_accepted_as_itself(frame, position, flip):
    data = bytearray(msp.encode(frame))
    data[position % len(data)] ^= flip
    decoder = FrameDecoder()
    assert frame not in decoder.feed(bytes(data))
