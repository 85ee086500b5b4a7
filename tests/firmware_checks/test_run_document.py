"""The run document: what a station posts and the server stores, read back only when it is whole."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from firmware_checks.bench_run import could_not_test, read_identity, run_check
from firmware_checks.json_reading import DocumentError
from firmware_checks.limits import DEFAULT_LIMITS
from firmware_checks.measurement_specs import DetailKind, DetailSpec, LimitKind, LimitSpec
from firmware_checks.run_document import Measurement, RunDocument, Verdict
from firmware_checks.simulator import SimulatorServer, diff_all_text
from firmware_checks.transcript import Transcript

Start = Callable[..., SimulatorServer]
GOLDEN = diff_all_text("healthy")


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    """A real bench test of a drifted board against the golden configuration, as JSON."""
    server = SimulatorServer("127.0.0.1", 0, "config_drift", boot_time=0.05).start()
    try:
        return run_check(server.url, DEFAULT_LIMITS, GOLDEN).document().to_json()
    finally:
        server.stop()


def test_a_real_simulator_run_survives_json_and_back_unchanged(simulator: Start) -> None:
    run = run_check(simulator("config_drift").url, DEFAULT_LIMITS, GOLDEN).document()
    assert run.verdict is Verdict.FAIL and run.config_changes and run.probe is not None

    again = RunDocument.from_json(json.loads(json.dumps(run.to_json())))

    assert again == run
    assert all(m.limit_spec is not None for m in again.measurements)
    assert again.to_json() == run.to_json()


def test_an_identity_reading_survives_json_and_back_with_its_board(simulator: Start) -> None:
    run = read_identity(simulator("healthy").url).document()

    again = RunDocument.from_json(json.loads(json.dumps(run.to_json())))

    assert again == run and again.board_uid == run.board_uid and again.config_changes is None


def test_a_document_without_structured_limits_is_still_read(good: dict[str, Any]) -> None:
    """What a station of the version before sends: limits and details in words only."""
    old = copy.deepcopy(good)
    for m in old["measurements"]:
        del m["limit_spec"]
        m.pop("detail_spec", None)

    run = RunDocument.from_json(old)

    assert [m.limit for m in run.measurements] == [m["limit"] for m in good["measurements"]]
    assert all(m.limit_spec is None and m.detail_spec is None for m in run.measurements)


def _changed(good: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = copy.deepcopy(good)
    change(document)
    return document


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change setting the key at a dotted path ("measurements.0.passed") to `value`."""

    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[int(last) if isinstance(target, list) else last] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda document: document.pop(key)


BAD = {
    # unknown keys
    "unknown field": (_set("colour", "red"), "unknown field colour"),
    "unknown measurement field": (
        _set("measurements.0.colour", "red"),
        "unknown field measurements[0].colour",
    ),
    "unknown limit field": (
        _set("measurements.0.limit_spec.colour", "red"),
        "unknown field measurements[0].limit_spec.colour",
    ),
    # missing keys
    "no verdict": (_drop("verdict"), "verdict is missing"),
    "no transcript": (_drop("transcript"), "transcript is missing"),
    # wrong types
    "empty object": (lambda d: d.clear(), "url is missing"),
    "url a number": (_set("url", 5), "url must be text"),
    "measurements an object": (_set("measurements", {}), "measurements must be a list"),
    "passed is text": (
        _set("measurements.0.passed", "yes"),
        "measurements[0].passed must be true or false",
    ),
    "value an object": (
        _set("measurements.1.value", {"x": 1}),
        "measurements[1].value must be text, a number or true/false",
    ),
    "limit values text": (
        _set("measurements.0.limit_spec.values", "BTFL"),
        "measurements[0].limit_spec.values must be a list",
    ),
    "transcript t text": (_set("transcript.0.t", "soon"), "transcript[0].t must be a number"),
    "change key a number": (
        _set("config_changes.0.key", 7),
        "config_changes[0].key must be text",
    ),
    "limits unknown key": (
        _set("limits", {"gyro": {"max_noise": 1}}),
        "limits: unknown key gyro.max_noise",
    ),
    "uid too long": (_set("probe.uid", "f" * 49), "probe.uid must be text of at most 48"),
    # bad enum values
    "verdict maybe": (_set("verdict", "maybe"), "verdict must be one of pass, fail, error"),
    "limit kind between": (
        _set("measurements.0.limit_spec.kind", "between"),
        "measurements[0].limit_spec.kind must be one of",
    ),
    "detail kind unknown": (
        _set("measurements.5.detail_spec", {"kind": "vibes", "values": []}),
        "measurements[5].detail_spec.kind must be one of",
    ),
    "transcript sideways": (
        _set("transcript.0.direction", "sideways"),
        "transcript[0].direction must be one of tx, rx",
    ),
    "change kind moved": (_set("config_changes.0.kind", "moved"), "config_changes[0].kind"),
    "too many limit values": (
        _set("measurements.5.limit_spec.values", [1.0, 2.0]),
        "measurements[5].limit_spec.values must hold 1 values, not 2",
    ),
    # numbers that are not finite
    "value NaN": (
        _set("measurements.5.value", float("nan")),
        "measurements[5].value must be a finite number",
    ),
    "transcript t infinite": (
        _set("transcript.3.t", float("inf")),
        "transcript[3].t must be a finite number",
    ),
    "limit value infinite": (
        _set("measurements.5.limit_spec.values", [float("inf")]),
        "measurements[5].limit_spec.values[0] must be a finite number",
    ),
    "probe NaN deep inside": (
        _set("probe.attitude", [0.1, float("nan"), 0.0]),
        "probe.attitude[1] must be a finite number",
    ),
    # a verdict that contradicts the measurements
    "pass with a failed measurement": (
        lambda d: (_set("verdict", "pass")(d), _set("measurements.0.passed", False)(d)),
        "a run with a failed measurement cannot pass",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_from_json_refuses_bad_input_naming_the_field(good: dict[str, Any], case: str) -> None:
    change, words = BAD[case]

    with pytest.raises(DocumentError) as refused:
        RunDocument.from_json(_changed(good, change))

    assert words in str(refused.value)


@pytest.mark.parametrize("data", [[], "run", None, 3])
def test_from_json_refuses_what_is_not_an_object(data: object) -> None:
    with pytest.raises(DocumentError, match="the run must be an object"):
        RunDocument.from_json(data)


def test_the_fixture_names_the_measurements_the_bad_cases_change(good: dict[str, Any]) -> None:
    names = [m["name"] for m in good["measurements"]]
    assert names[0] == "firmware_variant" and names[5] == "gyro_noise_x"
    assert good["config_changes"] and good["probe"]["attitude"]


def test_could_not_test_keeps_what_was_said_and_ends_with_the_reason() -> None:
    transcript = Transcript()
    transcript.record("tx", "msp", b"$M<\x00\x02\x02")

    reason = "no answer to MSP_FC_VARIANT"
    run = could_not_test("socket://127.0.0.1:9", reason, DEFAULT_LIMITS, transcript).document()

    assert (run.verdict, run.reason, run.exit_code) == (Verdict.ERROR, reason, 2)
    assert run.measurements == () and run.probe is None and run.config_changes is None
    assert [e.kind for e in run.transcript] == ["msp", "note"]
    assert run.transcript[-1].data == "could not test: no answer to MSP_FC_VARIANT"
    assert RunDocument.from_json(json.loads(json.dumps(run.to_json()))) == run


def test_a_measurement_says_its_structured_limit_and_detail_in_english() -> None:
    m = Measurement.judged(
        "battery",
        14.8,
        LimitSpec(LimitKind.CELL_VOLTAGE_OR_USB, (3.5, 4.35, 1.0), "V"),
        True,
        DetailSpec(DetailKind.CELLS, (4, 3.7, True)),
    )

    assert (m.unit, m.limit) == ("V", "USB only (< 1 V) or 3.50-4.35 V/cell")
    assert m.detail == "4S, 3.70 V/cell (cell count estimated)"
    assert Measurement.from_json(m.to_json(), "m") == m
