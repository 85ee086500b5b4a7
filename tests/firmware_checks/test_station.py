"""A bench station end to end.

`python -m firmware_checks check PORT --unit --post --token` in its own process, the simulator on a
real socket, and a small real HTTP server standing in for the app.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from test_commands import GUARD_S, REPO, command, one_line_reason

from firmware_checks.limits import DEFAULT_LIMITS, limits_from_mapping
from firmware_checks.simulator import SimulatorServer, diff_all_text

Start = Callable[..., SimulatorServer]
TOKEN = "station-token-1"
SITL_LIMITS = {**DEFAULT_LIMITS.to_dict(), "board": {"board_id": "SITL", "target": "SITL"}}


@dataclass
class Workshop:
    """What the fake app knows and what it was sent."""

    url: str = ""
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    posted: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    asked: list[tuple[str, str, str | None]] = field(default_factory=list)  # method, path, auth
    refuse_post: tuple[int, str] | None = None


def _handler(workshop: Workshop) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, document: dict[str, Any]) -> None:
            body = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _unit(self, tail: str) -> str | None:
            """The serial of /api/units/<serial>/<tail>, after the token check (None: answered)."""
            auth = self.headers.get("Authorization")
            workshop.asked.append((self.command, self.path, auth))
            if auth != f"Bearer {TOKEN}":
                self._answer(401, {"error": "missing or revoked station token"})
                return None
            parts = self.path.split("/")
            if len(parts) != 5 or parts[1:3] != ["api", "units"] or parts[4] != tail:
                self._answer(404, {"error": "no such page"})
                return None
            if parts[3] not in workshop.units:
                self._answer(404, {"error": f"no unit {parts[3]}"})
                return None
            return parts[3]

        def do_GET(self) -> None:
            serial = self._unit("limits")
            if serial is not None:
                self._answer(
                    200, {"serial": serial, "drone_type": "Trainer 5in", **workshop.units[serial]}
                )

        def do_POST(self) -> None:
            serial = self._unit("bench-runs")
            if serial is None:
                return
            document = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if workshop.refuse_post:
                status, error = workshop.refuse_post
                self._answer(status, {"error": error})
                return
            workshop.posted.append((serial, document))
            self._answer(
                201,
                {
                    "id": len(workshop.posted),
                    "verdict": document["verdict"],
                    "unit_url": f"{workshop.url}/units/{serial}",
                },
            )

    return Handler


@pytest.fixture
def workshop() -> Iterator[Workshop]:
    state = Workshop()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def unit(
    kind: str, golden: str | None = None, limits: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "limits": limits or SITL_LIMITS,
        "limits_version": 3,
        "golden": golden,
        "golden_version": 2 if golden else None,
    }


def station(
    port: str, workshop: Workshop, serial: str = "FPV7-2026-00042", token: str = TOKEN, *extra: str
):
    return command(
        "check", port, "--unit", serial, "--post", workshop.url, "--token", token, *extra
    )


def test_a_bench_run_is_judged_by_the_workshops_limits_and_recorded_there(
    simulator: Start, workshop: Workshop
) -> None:
    workshop.units["FPV7-2026-00042"] = unit("bench", golden=diff_all_text("healthy"))

    done = station(simulator("healthy").url, workshop)

    assert done.returncode == 0, done.stderr
    assert "verdict: PASS" in done.stdout
    assert (
        done.stderr.strip()
        == f"recorded as run 1 of unit FPV7-2026-00042: {workshop.url}/units/FPV7-2026-00042"
    )
    serial, document = workshop.posted[0]
    assert serial == "FPV7-2026-00042"
    assert (document["kind"], document["limits_version"], document["golden_version"]) == (
        "bench",
        3,
        2,
    )
    assert document["verdict"] == "pass" and document["config_changes"] == []
    assert "config_diff" in {m["name"] for m in document["measurements"]}
    assert limits_from_mapping(document["limits"]).board.target == "SITL"
    assert document["probe"]["uid"] == "000000000100000002000000"
    assert {(method, auth) for method, _, auth in workshop.asked} == {
        ("GET", f"Bearer {TOKEN}"),
        ("POST", f"Bearer {TOKEN}"),
    }


def test_a_failing_unit_exits_1_and_its_run_is_still_recorded(
    simulator: Start, workshop: Workshop
) -> None:
    workshop.units["QF-0043"] = unit("bench", golden=diff_all_text("healthy"))

    done = station(simulator("config_drift").url, workshop, "QF-0043")

    assert done.returncode == 1
    document = workshop.posted[0][1]
    assert document["verdict"] == "fail"
    assert {c["kind"] for c in document["config_changes"]} == {"missing", "changed", "extra"}


def test_at_the_flashing_stage_only_the_identity_is_read_and_judged(
    simulator: Start, workshop: Workshop
) -> None:
    workshop.units["QF-0044"] = unit("identity")

    done = station(simulator("wrong_target").url, workshop, "QF-0044")

    assert done.returncode == 1
    document = workshop.posted[0][1]
    assert document["kind"] == "identity" and document["golden_version"] is None
    assert [(m["name"], m["passed"]) for m in document["measurements"]] == [
        ("firmware_variant", True),
        ("firmware_version", True),
        ("board_id", False),
        ("target", False),
    ]


def test_a_board_that_cannot_be_tested_is_recorded_as_could_not_test(workshop: Workshop) -> None:
    workshop.units["QF-0045"] = unit("bench")

    done = station("socket://127.0.0.1:9", workshop, "QF-0045")

    assert done.returncode == 2
    assert workshop.posted[0][1]["verdict"] == "error"
    recorded, reason = done.stderr.splitlines()  # never a traceback
    assert recorded.startswith("recorded as run 1 of unit QF-0045")
    assert reason.startswith("check: could not test socket://127.0.0.1:9: cannot open")


@pytest.mark.parametrize(
    ("serial", "token", "says"),
    [
        (
            "FPV7-2026-00042",
            "revoked-token",
            "the workshop answered 401: missing or revoked station token",
        ),
        ("QF-9999", TOKEN, "the workshop answered 404: no unit QF-9999"),
    ],
)
def test_a_refused_token_or_an_unknown_unit_stops_before_the_board_is_touched(
    simulator: Start, workshop: Workshop, serial: str, token: str, says: str
) -> None:
    workshop.units["FPV7-2026-00042"] = unit("bench")
    server = simulator("healthy")

    done = station(server.url, workshop, serial, token)

    assert done.returncode == 2 and says in one_line_reason(done, "check: GET ")
    assert server.connections == 0 and workshop.posted == []


def test_a_run_the_workshop_will_not_take_exits_2_with_its_reason(
    simulator: Start, workshop: Workshop
) -> None:
    workshop.units["FPV7-2026-00042"] = unit("bench")
    workshop.refuse_post = (409, "FPV7-2026-00042 is not at the bench test")

    done = station(simulator("healthy").url, workshop)

    assert done.returncode == 2
    assert "verdict: PASS" in done.stdout  # the operator still sees what was measured
    one_line_reason(done, "check: the run was not recorded: POST ")
    assert "answered 409: FPV7-2026-00042 is not at the bench test" in done.stderr


def test_a_workshop_that_cannot_be_reached_says_so(simulator: Start) -> None:
    done = command(
        "check",
        simulator("healthy").url,
        "--unit",
        "QF-1",
        "--post",
        "http://127.0.0.1:9",
        "--token",
        TOKEN,
    )

    assert done.returncode == 2
    one_line_reason(
        done, "check: cannot reach the workshop at http://127.0.0.1:9/api/units/QF-1/limits"
    )


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (("--golden", "golden.txt"), "leave out --limits, --golden and --ignore"),
        (("--token", ""), "--post needs --unit SERIAL and --token TOKEN"),
    ],
)
def test_station_arguments_that_do_not_fit_are_refused(
    workshop: Workshop, extra: tuple[str, ...], says: str
) -> None:
    done = command(
        "check",
        "socket://127.0.0.1:9",
        "--unit",
        "QF-1",
        "--post",
        workshop.url,
        "--token",
        TOKEN,
        *extra,
    )

    assert done.returncode == 2 and says in one_line_reason(done, "check: ")
    assert workshop.asked == []


def test_the_port_is_given_once_positionally_or_with_port(simulator: Start) -> None:
    url = simulator("healthy").url

    assert command("check", url).returncode == 0
    assert command("check", "--port", url).returncode == 0
    twice = command("check", url, "--port", "socket://127.0.0.1:9")
    assert twice.returncode == 2 and "give the port once" in twice.stderr
    assert "the port is required" in command("check").stderr


def test_the_token_may_come_from_the_environment_instead_of_the_command_line(
    simulator: Start, workshop: Workshop
) -> None:
    workshop.units["FPV7-2026-00042"] = unit("identity")
    env = {**os.environ, "PYTHONPATH": str(REPO), "FIRMWARE_CHECKS_TOKEN": TOKEN}

    done = subprocess.run(
        [sys.executable, "-m", "firmware_checks", "check", simulator("healthy").url,
         "--unit", "FPV7-2026-00042", "--post", workshop.url],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=GUARD_S, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert workshop.asked[0][2] == f"Bearer {TOKEN}" and len(workshop.posted) == 1
