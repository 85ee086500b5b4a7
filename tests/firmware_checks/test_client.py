"""The client over a real TCP socket and a real pseudo-terminal, against recorded answers."""

from __future__ import annotations

import sys

import pytest
from replay_peer import ReplayPeer
from transcripts import exchange

from firmware_checks import msp
from firmware_checks.client import FlightController
from firmware_checks.errors import (
    Disconnected,
    NoResponse,
    PortUnavailable,
    ProtocolError,
    UnsupportedCommand,
)
from firmware_checks.messages import ApiVersion, Cmd, FcVariant, SensorConfigActive, StatusEx

TRANSPORTS = ["tcp"] + (["pty"] if sys.platform != "win32" else [])


@pytest.fixture(params=TRANSPORTS)
def connect(request):
    """connect(behaviour=None, firmware=...) -> FlightController on a fresh replay peer."""
    peers, fcs = [], []

    def make(behaviour=None, firmware="betaflight-4.5.5", **kw):
        peer = ReplayPeer(firmware, behaviour)
        url = peer.serve_tcp() if request.param == "tcp" else peer.serve_pty()
        peers.append(peer)
        fc = FlightController.open(url, **{"timeout": 0.3, **kw})
        fcs.append(fc)
        return fc, peer

    yield make
    for fc in fcs:
        fc.close()
    for peer in peers:
        peer.stop()


def test_asks_and_decodes(connect):
    fc, _ = connect()
    assert fc.ask(ApiVersion).version == (1, 46)
    assert fc.ask(FcVariant).variant == "BTFL"
    assert fc.ask(StatusEx).arming_disable_flag_names == ["BOOTGRACE"]


def test_sends_exactly_the_bytes_real_firmware_was_sent(connect):
    fc, peer = connect()
    fc.request(Cmd.MSP_API_VERSION)
    fc.request(Cmd.MSP2_SENSOR_CONFIG_ACTIVE)
    assert peer.requests == [
        exchange("betaflight-4.5.5", "MSP_API_VERSION").request,
        exchange("betaflight-4.5.5", "MSP2_SENSOR_CONFIG_ACTIVE").request,
    ]


def test_commands_above_255_go_as_msp_v2(connect):
    fc, _ = connect()
    assert fc.ask(SensorConfigActive).gyro == 20


def test_v2_request_of_a_v1_command(connect):
    fc, _ = connect()
    assert ApiVersion.decode(fc.request(Cmd.MSP_API_VERSION, version=2)).api_minor == 46


def test_error_frame_is_unsupported_command(connect):
    fc, _ = connect()
    with pytest.raises(UnsupportedCommand, match="MSP_VTX_CONFIG") as err:
        fc.request(Cmd.MSP_VTX_CONFIG)
    assert err.value.cmd == Cmd.MSP_VTX_CONFIG
    assert fc.ask(ApiVersion).api_minor == 46  # the link is still fine


def test_silence_is_no_response_after_the_retries(connect):
    fc, peer = connect(behaviour=lambda request, answer: None, retries=2)
    with pytest.raises(NoResponse, match="MSP_API_VERSION.*3 tries"):
        fc.request(Cmd.MSP_API_VERSION)
    assert len(peer.requests) == 3 and fc.requests_sent == 3


def test_one_lost_answer_is_retried(connect):
    lost = []

    def lose_first(request, answer):
        if not lost:
            lost.append(request)
            return None
        return answer

    fc, _ = connect(behaviour=lose_first)
    assert fc.ask(ApiVersion).api_minor == 46
    assert any("asking again" in e.data for e in fc.transcript.entries)


def test_garbage_before_a_good_answer_is_skipped(connect):
    fc, _ = connect(behaviour=lambda request, answer: b"\x00\xff$M>\xff\x01garbage$X" + answer)
    assert fc.ask(ApiVersion).api_minor == 46


def test_only_garbage_is_a_protocol_error(connect):
    fc, _ = connect(behaviour=lambda request, answer: b"$GPGGA,123519,4807.038,N*47\r\n", retries=0)
    with pytest.raises(ProtocolError, match="not an MSP answer"):
        fc.request(Cmd.MSP_API_VERSION)


def test_an_answer_to_another_command_is_skipped(connect):
    variant = exchange("betaflight-4.5.5", "MSP_FC_VARIANT").response
    fc, _ = connect(behaviour=lambda request, answer: variant + answer)
    assert fc.ask(ApiVersion).api_minor == 46
    assert any("MSP_FC_VARIANT" in e.data for e in fc.transcript.entries if e.kind == "note")


def test_a_late_answer_is_dropped_before_the_next_request(connect):
    variant = exchange("betaflight-4.5.5", "MSP_FC_VARIANT").response
    fc, _ = connect(behaviour=lambda request, answer: answer + variant)
    fc.ask(ApiVersion)
    assert fc.ask(FcVariant).variant == "BTFL"


def test_peer_hanging_up_is_disconnected(connect):
    fc, _ = connect(behaviour=lambda request, answer: "close")
    with pytest.raises(Disconnected):
        fc.request(Cmd.MSP_API_VERSION)


def test_answer_cut_mid_frame_then_silence_is_a_protocol_error(connect):
    fc, _ = connect(behaviour=lambda request, answer: answer[:5], retries=0)
    with pytest.raises(ProtocolError):
        fc.request(Cmd.MSP_API_VERSION)


def test_transcript_holds_every_byte_both_ways(connect):
    fc, _ = connect()
    fc.request(Cmd.MSP_API_VERSION)
    msp_entries = [(e.direction, e.data) for e in fc.transcript.entries if e.kind == "msp"]
    assert msp_entries[0] == ("tx", "244d3c000101")
    assert "".join(d for direction, d in msp_entries if direction == "rx") == "244d3e030100012e2d"
    times = [e.t for e in fc.transcript.entries]
    assert times == sorted(times)


def test_inav_answers(connect):
    fc, _ = connect(firmware="inav-9.0.1")
    assert fc.ask(FcVariant).variant == "INAV"


def test_closed_port_is_disconnected(connect):
    fc, _ = connect()
    fc.port.close()
    with pytest.raises(Disconnected):
        fc.request(Cmd.MSP_API_VERSION)


def test_missing_port_is_port_unavailable():
    with pytest.raises(PortUnavailable, match="cannot open"):
        FlightController.open("/dev/this-port-does-not-exist")


def test_loop_url_echo_is_not_mistaken_for_an_answer():
    # loop:// sends our request straight back: a request is never an answer.
    with FlightController.open("loop://", timeout=0.1, retries=0) as fc:
        with pytest.raises(NoResponse):
            fc.request(Cmd.MSP_API_VERSION)
        assert msp.encode_v1(1) == bytes.fromhex(fc.transcript.entries[0].data)
