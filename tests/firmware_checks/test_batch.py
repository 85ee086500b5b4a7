"""MSP_MULTIPLE_MSP: the pure batch helpers, the simulator's answers, and request_many().

request_many() runs over a real socket.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st
from replay_peer import ReplayPeer

from firmware_checks.batch import (
    OUTBUF_SIZE,
    BatchAnswer,
    BatchRules,
    answer_batch,
    encode_batch_request,
)
from firmware_checks.client import FlightController
from firmware_checks.errors import ProtocolError
from firmware_checks.msp import Cmd, FrameDecoder, encode_v1
from firmware_checks.simulator import PROFILES, SimulatedFlightController

#: Answers that do not change while the board runs, so a batch and single requests agree.
STEADY = [Cmd.MSP_API_VERSION, Cmd.MSP_FC_VARIANT, Cmd.MSP_FC_VERSION, Cmd.MSP_BOARD_INFO,
          Cmd.MSP_BUILD_INFO, Cmd.MSP_UID, Cmd.MSP_NAME, Cmd.MSP_STATUS_EX,
          Cmd.MSP_MOTOR]  # fmt: skip


def batches_sent(fc: FlightController) -> list[bytes]:
    """The command lists of the MSP_MULTIPLE_MSP requests in fc's transcript."""
    sent = [
        FrameDecoder().feed(bytes.fromhex(e.data))
        for e in fc.transcript.entries
        if e.direction == "tx"
    ]
    return [frames[0].payload for frames in sent if frames[0].cmd == Cmd.MSP_MULTIPLE_MSP]


# The pure helpers ----------------------------------------------------------------------------


def test_request_is_the_command_bytes() -> None:
    assert encode_batch_request([1, 2, 3, 150]) == bytes([1, 2, 3, 150])
    with pytest.raises(ValueError, match="at least one"):
        encode_batch_request([])
    with pytest.raises(ValueError, match="cannot go in a batch"):
        encode_batch_request([1, Cmd.MSP2_INAV_STATUS])


def test_answer_splits_by_length_byte_and_lists_what_was_left_out() -> None:
    batch = BatchAnswer.decode([1, 2, 3], bytes([3, 0, 1, 46, 0]))
    assert batch.answers == ((1, bytes([0, 1, 46])), (2, b""))
    assert batch.left_out == (3,)
    assert batch.as_dict() == {1: bytes([0, 1, 46]), 2: b""}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (bytes([5, 1, 2]), "claims 5 bytes but only 2 follow"),
        (bytes([1, 9, 1, 2, 7]), "1 bytes after the answers"),
    ],
)
def test_a_garbled_answer_is_a_protocol_error(payload: bytes, message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        BatchAnswer.decode([1, 2], payload)


@pytest.mark.parametrize("rules", list(BatchRules))
def test_answers_that_fit_come_back_in_order(rules: BatchRules) -> None:
    answers = {1: b"\x00\x01\x2e", 2: b"BTFL", 10: b""}
    payload = answer_batch(bytes([2, 1, 10]), answers.get, rules=rules)
    assert payload is not None
    assert BatchAnswer.decode([2, 1, 10], payload).as_dict() == answers


def test_an_unknown_command_is_empty_on_4_5_and_fails_the_batch_on_2025_12() -> None:
    answers = {1: b"\x00\x01\x2e"}
    assert (
        answer_batch(bytes([1, 88]), answers.get, rules=BatchRules.EMPTY_FOR_UNKNOWN)
        == b"\x03\x00\x01\x2e\x00"
    )
    assert answer_batch(bytes([1, 88]), answers.get, rules=BatchRules.ERROR_FOR_UNKNOWN) is None
    assert answer_batch(b"", answers.get, rules=BatchRules.EMPTY_FOR_UNKNOWN) is None


def test_truncation_follows_the_output_buffer() -> None:
    # Four answers of 79 bytes take 80 each: exactly 320, the whole buffer. Betaflight 2025.12
    # fits all four; 4.5 keeps one byte back (for the checksum) and leaves the last one out.
    answers = {cmd: bytes([cmd]) * 79 for cmd in (1, 2, 3, 4)}
    request = bytes([1, 2, 3, 4])
    current = answer_batch(request, answers.get, rules=BatchRules.ERROR_FOR_UNKNOWN)
    legacy = answer_batch(request, answers.get, rules=BatchRules.EMPTY_FOR_UNKNOWN)
    assert current is not None and legacy is not None
    assert len(current) == OUTBUF_SIZE and BatchAnswer.decode(request, current).left_out == ()
    assert BatchAnswer.decode(request, legacy).left_out == (4,)
    # What does not fit ends the batch, even when a later, smaller answer would fit.
    answers[2] = bytes(240)
    cut = answer_batch(request, answers.get, rules=BatchRules.ERROR_FOR_UNKNOWN)
    assert cut is not None and BatchAnswer.decode(request, cut).left_out == (2, 3, 4)


@given(st.lists(st.integers(0, 254), max_size=40), st.binary(max_size=400))
def test_splitting_never_raises_anything_but_protocol_error(
    cmds: list[int], payload: bytes
) -> None:
    try:
        batch = BatchAnswer.decode(cmds, payload)
    except ProtocolError:
        return
    assert [cmd for cmd, _ in batch.answers] + list(batch.left_out) == cmds


@given(
    st.lists(st.binary(max_size=254), min_size=1, max_size=30), st.sampled_from(list(BatchRules))
)
def test_what_the_firmware_answers_splits_back_into_the_answers(
    answers: list[bytes], rules: BatchRules
) -> None:
    cmds = list(range(1, len(answers) + 1))
    payload = answer_batch(bytes(cmds), lambda cmd: answers[cmd - 1], rules=rules)
    assert payload is not None
    batch = BatchAnswer.decode(cmds, payload)
    fitted = len(batch.answers)
    assert [answer for _, answer in batch.answers] == answers[:fitted]
    assert batch.left_out == tuple(cmds[fitted:])
    assert len(payload) <= OUTBUF_SIZE


# The simulator ---------------------------------------------------------------------------------


def test_a_batch_is_one_request_for_the_serial_task() -> None:
    fc = SimulatedFlightController("healthy")
    fc.feed(encode_v1(Cmd.MSP_MULTIPLE_MSP, bytes(STEADY)) + encode_v1(Cmd.MSP_API_VERSION))
    first = FrameDecoder().feed(fc.process(max_requests=1).data)
    assert [(f.cmd, f.direction) for f in first] == [(Cmd.MSP_MULTIPLE_MSP, ">")]
    assert BatchAnswer.decode(STEADY, first[0].payload).left_out == ()
    assert fc.has_input  # the second request waits for the next run


def test_inav_answers_a_batch_with_an_error_frame() -> None:
    reply = SimulatedFlightController("inav-9").receive(
        encode_v1(Cmd.MSP_MULTIPLE_MSP, bytes([1, 2]))
    )
    assert reply == encode_v1(Cmd.MSP_MULTIPLE_MSP, direction="!")


# request_many() over a real socket --------------------------------------------------------------


@pytest.mark.parametrize("profile", ["healthy", "betaflight-4.5", "betaflight-2025.12"])
def test_batch_round_trip_matches_single_requests(simulator, profile: str) -> None:
    with FlightController.open(simulator(profile).url) as fc:
        answers = fc.request_many(STEADY)
        singles = {cmd: fc.request(cmd) for cmd in STEADY}
    assert answers == singles
    assert answers.batched == set(STEADY) and fc.batching is True
    assert batches_sent(fc) == [bytes(STEADY)]
    assert fc.requests_sent == 1 + len(STEADY)


def test_answers_that_do_not_fit_are_asked_again(simulator) -> None:
    healthy = PROFILES["healthy"]
    small = dataclasses.replace(
        healthy, flavour=dataclasses.replace(healthy.flavour, outbuf_size=48)
    )
    with FlightController.open(simulator(small).url) as fc:
        answers = fc.request_many(STEADY)
        singles = {cmd: fc.request(cmd) for cmd in STEADY}
    assert answers == singles
    sent = batches_sent(fc)
    assert len(sent) > 1 and sent[0] == bytes(STEADY)  # later batches ask for the rest
    assert all(cmd in STEADY for batch in sent[1:] for cmd in batch)
    # MSP_BOARD_INFO (57 bytes on this board) does not fit in 48 even alone: it is asked alone
    # (and once more by the comparison).
    plain = [
        f.cmd
        for e in fc.transcript.entries
        if e.direction == "tx"
        for f in FrameDecoder().feed(bytes.fromhex(e.data))
    ]
    assert plain.count(Cmd.MSP_BOARD_INFO) == 2


def test_inav_falls_back_to_one_request_at_a_time_and_remembers(simulator) -> None:
    with FlightController.open(simulator("inav-9").url) as fc:
        answers = fc.request_many(STEADY)
        assert fc.batching is False and answers.batched == set()
        assert set(answers) == set(STEADY) and fc.requests_sent == 1 + len(STEADY)
        again = fc.request_many([Cmd.MSP_API_VERSION, Cmd.MSP_FC_VARIANT])
    assert len(batches_sent(fc)) == 1  # the refusal is remembered for the connection
    assert again == {c: answers[c] for c in (Cmd.MSP_API_VERSION, Cmd.MSP_FC_VARIANT)}
    assert any("does not answer MSP_MULTIPLE_MSP" in e.data for e in fc.transcript.entries)


def test_an_unknown_command_in_a_batch_on_2025_12(simulator) -> None:
    with FlightController.open(simulator("betaflight-2025.12").url) as fc:
        answers = fc.request_many([Cmd.MSP_API_VERSION, Cmd.MSP_VTX_CONFIG, Cmd.MSP_UID])
        # The whole batch was refused; alone, only MSP_VTX_CONFIG fails: batching still works.
        assert set(answers) == {Cmd.MSP_API_VERSION, Cmd.MSP_UID} and fc.batching is None
        fc.request_many([Cmd.MSP_API_VERSION, Cmd.MSP_VTX_CONFIG, Cmd.MSP_UID])
    assert batches_sent(fc)[-1] == bytes([Cmd.MSP_API_VERSION, Cmd.MSP_UID]) and fc.batching is True


def test_an_unknown_command_in_a_batch_on_4_5_is_an_empty_answer(simulator) -> None:
    with FlightController.open(simulator("betaflight-4.5").url) as fc:
        answers = fc.request_many([Cmd.MSP_API_VERSION, Cmd.MSP_VTX_CONFIG])
    assert answers[Cmd.MSP_VTX_CONFIG] == b"" and Cmd.MSP_VTX_CONFIG in answers.batched


def test_a_garbled_batch_answer_is_a_protocol_error() -> None:
    batch = encode_v1(Cmd.MSP_MULTIPLE_MSP, bytes([Cmd.MSP_API_VERSION, Cmd.MSP_FC_VARIANT]))
    garbled = encode_v1(
        Cmd.MSP_MULTIPLE_MSP, bytes([9, 0, 1]), direction=">"
    )  # 9 bytes claimed, 2 sent

    peer = ReplayPeer(
        "betaflight-4.5.5", lambda request, answer: garbled if request == batch else answer
    )
    try:
        with (
            FlightController.open(peer.serve_tcp(), timeout=0.3) as fc,
            pytest.raises(ProtocolError, match="garbled MSP_MULTIPLE_MSP"),
        ):
            fc.request_many([Cmd.MSP_API_VERSION, Cmd.MSP_FC_VARIANT])
    finally:
        peer.stop()


def test_v2_commands_and_single_commands_go_alone(simulator) -> None:
    with FlightController.open(simulator("healthy").url) as fc:
        answers = fc.request_many([Cmd.MSP2_SENSOR_CONFIG_ACTIVE, Cmd.MSP_API_VERSION])
    assert set(answers) == {Cmd.MSP2_SENSOR_CONFIG_ACTIVE, Cmd.MSP_API_VERSION}
    assert batches_sent(fc) == [] and answers.batched == set() and fc.requests_sent == 2
