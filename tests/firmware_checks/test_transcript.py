"""The transcript that goes into the result JSON."""

from __future__ import annotations

import itertools
import json

import pytest

from firmware_checks.transcript import Transcript, TranscriptEntry


def test_records_bytes_as_hex_and_text_as_text_in_order():
    ticks = itertools.count(10.0, 0.25)
    transcript = Transcript(clock=lambda: next(ticks))
    transcript.record("tx", "msp", b"$M<\x00\x01\x01")
    transcript.record("rx", "cli", b"# ")
    transcript.note("no answer within 0.5 s")
    assert transcript.entries == [
        TranscriptEntry(0.25, "tx", "msp", "244d3c000101"),
        TranscriptEntry(0.5, "rx", "cli", "# "),
        TranscriptEntry(0.75, "rx", "note", "no answer within 0.5 s"),
    ]
    assert json.loads(json.dumps(transcript.to_list()))[0] == {
        "t": 0.25,
        "direction": "tx",
        "kind": "msp",
        "data": "244d3c000101",
    }


@pytest.mark.parametrize(("direction", "kind"), [("up", "msp"), ("tx", "binary")])
def test_refuses_unknown_direction_or_kind(direction, kind):
    with pytest.raises(ValueError):
        Transcript().record(direction, kind, "x")
