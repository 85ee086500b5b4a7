"""apply_golden (type, save, read back) and read_golden against a simulated board over a socket."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from firmware_checks.config_diff import DEFAULT_IGNORE, compare, parse_diff
from firmware_checks.golden import GOLDEN_STEPS, READ_STEPS, apply_golden, golden_lines, read_golden
from firmware_checks.simulator import SimulatorServer, diff_all_text
from firmware_checks.transcript import Transcript

Start = Callable[..., SimulatorServer]
GOLDEN = diff_all_text("healthy")


def notes(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.data for e in result.transcript.entries if e.kind == "note"]


def test_a_drifted_board_gets_the_golden_configuration_saved_and_verified(simulator: Start) -> None:
    server = simulator("config_drift")
    assert compare(parse_diff(server.fc.diff_all()), parse_diff(GOLDEN))  # it does differ
    steps: list[str] = []

    result = apply_golden(server.url, GOLDEN, DEFAULT_IGNORE, progress=steps.append)

    assert (result.verdict, result.reason) == ("pass", "all 3 measurements within limits")
    assert {m.name: m.value for m in result.measurements} == {
        "refused_lines": 0,
        "saved": True,
        "config_diff": 0,
    }
    assert result.config_changes == []
    assert steps == list(GOLDEN_STEPS)
    assert "the flight controller is back after its reboot" in notes(result)
    # Saved on the board itself, not only typed in:
    server.fc.boot()  # what it boots with
    assert not compare(parse_diff(server.fc.diff_all()), parse_diff(GOLDEN))
    assert result.document().to_json()["config_changes"] == []


def test_per_unit_lines_are_not_copied_and_the_boards_own_are_kept(simulator: Start) -> None:
    other_board = GOLDEN.replace(
        "mcu_id 000000000000000100000002", "mcu_id 0badc0de0000000000000001"
    )
    golden = other_board.replace(
        "\r\n# feature", "\r\nset craft_name = GOLDEN_QUAD\r\n\r\n# feature"
    )
    server = simulator("healthy", uid=(7, 8, 9))
    server.fc.saved_settings.assign("craft_name", "QF_0042")  # this unit's name, saved earlier
    server.fc.settings.assign("craft_name", "QF_0042")

    result = apply_golden(server.url, golden, DEFAULT_IGNORE)

    assert result.verdict == "pass"
    board = server.fc.diff_all()
    assert "set craft_name = QF_0042" in board and "GOLDEN_QUAD" not in board
    assert "mcu_id 000000070000000800000009" in board
    sent = [e.data for e in result.transcript.entries if e.kind == "cli" and e.direction == "tx"]
    assert not any(
        line.startswith(("mcu_id", "signature", "set craft_name = GOLDEN")) for line in sent
    )


def test_golden_lines_leaves_out_per_unit_lines_comments_and_save() -> None:
    typed, skipped = golden_lines(GOLDEN + "\r\nset craft_name = X\r\n", DEFAULT_IGNORE)

    assert skipped == ["mcu_id 000000000000000100000002", "signature", "set craft_name = X"]
    lines = (GOLDEN + "\r\nset craft_name = X\r\n").split("\r\n")
    assert len(typed) == len(lines)  # line numbers stay the golden text's
    assert [n for n, line in enumerate(typed) if line != lines[n]] == [
        lines.index("mcu_id 000000000000000100000002"),
        lines.index("signature "),
        lines.index("set craft_name = X"),
    ]
    assert all(typed[n] == "" for n in (lines.index("signature "),))


def test_a_line_the_board_refuses_fails_the_apply_and_nothing_is_saved(simulator: Start) -> None:
    server = simulator("config_drift")
    before = server.fc.diff_all()
    golden = GOLDEN.replace("set p_roll = 48", "set p_roll = 48\r\nset p_rol = 50")

    result = apply_golden(server.url, golden, DEFAULT_IGNORE)

    assert result.verdict == "fail"
    failed = {m.name: m for m in result.failed}
    assert set(failed) == {"refused_lines", "saved"}
    line_no = golden.split("\r\n").index("set p_rol = 50") + 1
    assert (failed["refused_lines"].value, failed["refused_lines"].detail) == (
        1,
        f"line {line_no}: set p_rol = 50: ERROR IN set: INVALID NAME: p_rol",
    )
    assert failed["saved"].detail == (
        "the board refused to save, nothing was written: "
        "ERROR IN save: ERRORS WERE DETECTED - PLEASE REVIEW BEFORE CONTINUING"
    )
    assert result.config_changes is None
    # Nothing was written, and the reboot dropped what had been typed.
    assert server.fc.diff_all() == before


def test_a_cable_pulled_while_applying_cannot_be_tested_and_keeps_the_transcript(
    simulator: Start,
) -> None:
    server = simulator("config_drift")

    def pull_the_cable(step: str) -> None:
        if step == "save":
            server.stop()

    result = apply_golden(server.url, GOLDEN, DEFAULT_IGNORE, progress=pull_the_cable, timeout=0.2)

    assert (result.verdict, result.measurements) == ("error", [])
    assert "did not come back" in result.reason or "went away" in result.reason
    assert any(e.kind == "cli" and e.data == "batch start\n" for e in result.transcript.entries)
    assert notes(result)[-1].startswith("could not test: ")


@pytest.mark.parametrize(
    ("golden", "says"),
    [("# only a comment\r\n", "has no settings"), ("set name = a?b\r\n", "golden line 1")],
)
def test_a_golden_text_that_cannot_be_typed_is_refused_before_connecting(
    golden: str, says: str
) -> None:
    with pytest.raises(ValueError, match=says):
        apply_golden("socket://127.0.0.1:9", golden, DEFAULT_IGNORE)


def test_another_board_than_the_confirmed_one_is_left_untouched(simulator: Start) -> None:
    server = simulator("config_drift", uid=(1, 2, 3))
    before = server.fc.diff_all()

    result = apply_golden(server.url, GOLDEN, DEFAULT_IGNORE, expect_uid="0badc0de0000000000000001")

    assert (result.verdict, result.measurements) == ("error", [])
    assert result.reason == (
        "this is board 010000000200000003000000, not the confirmed board "
        "0badc0de0000000000000001: nothing was changed"
    )
    assert not any(e.kind == "cli" for e in result.transcript.entries)
    assert server.fc.diff_all() == before


def test_the_confirmed_board_is_applied_and_the_callers_transcript_holds_the_talk(
    simulator: Start,
) -> None:
    server = simulator("config_drift", uid=(1, 2, 3))
    transcript = Transcript()

    result = apply_golden(
        server.url,
        GOLDEN,
        DEFAULT_IGNORE,
        expect_uid="010000000200000003000000",
        transcript=transcript,
    )

    assert result.verdict == "pass" and result.transcript is transcript
    assert any(e.kind == "cli" and e.data == "batch start\n" for e in transcript.entries)


def test_read_golden_reads_a_good_boards_diff_all_and_judges_nothing(simulator: Start) -> None:
    server = simulator("healthy")
    steps: list[str] = []

    result, text = read_golden(server.url, progress=steps.append)

    assert text is not None and parse_diff(text).settings()
    assert not compare(parse_diff(text), parse_diff(GOLDEN))  # what the board holds, whole
    assert steps == list(READ_STEPS)
    assert (result.verdict, result.measurements) == ("pass", [])
    assert result.probe is not None and result.probe.uid  # which board it was


def test_read_golden_from_a_silent_board_reads_nothing_and_says_why(simulator: Start) -> None:
    result, text = read_golden(simulator("silent").url, timeout=0.1)

    assert text is None
    assert result.verdict == "error" and "no answer" in result.reason
