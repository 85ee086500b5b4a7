"""How fast firmware_checks reads a simulated flight controller. Prints; asserts nothing.

    python benchmarks/msp_speed.py [--profile healthy] [--requests 500] [--runs 5]

In one run, with the simulator pacing answers like Betaflight (one MSP request per 10 ms run of
its serial task):
- the median round trip of one small request (MSP_API_VERSION) over --requests requests;
- the time of a whole probe() and its number of requests, and the ratio
  probe time / (requests x median round trip): 1.0 is the floor for requests one at a time;
  probe() batches the facts that need no argument in MSP_MULTIPLE_MSP (two requests on
  Betaflight), so the same probe one request at a time is timed too, for comparison;
- the same facts read with YAMSPy on the same simulator, over a pty (YAMSPy opens device paths
  with serial.Serial, not URLs), against our client over the same pty.
Then the same comparison with answers at once (no pacing), for reference only: what is left is
each client's fixed local cost and jitter, so the YAMSPy target applies to the paced run.
Last, typing a golden configuration into the CLI (CliSession.apply, as apply_golden does), each
line ended by its prompt, against waiting for 100 ms of silence after each line (as before).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from firmware_checks.cli_session import CliSession
from firmware_checks.client import FlightController
from firmware_checks.golden import golden_lines
from firmware_checks.limits import DEFAULT_LIMITS
from firmware_checks.msp import Cmd
from firmware_checks.probe import probe
from firmware_checks.simulator import SimulatorServer, diff_all_text, serve_pty

RATIO_TARGET = 1.3
YAMSPY_TARGET = 3.0
YAMSPY_PIN = "yamspy==0.3.3"
#: What probe() reads on Betaflight, as YAMSPy names them; YAMSPy's connect() reads identity
#: and status itself (MSP_API_VERSION ... MSP_STATUS_EX), the rest is asked after it.
YAMSPY_AFTER_CONNECT = ("MSP_BATTERY_STATE", "MSP_ATTITUDE", "MSP_RC", "MSP_MOTOR")
MSP_MOTOR_TELEMETRY = 139  # YAMSPy has no name (and no parser) for it: read as raw bytes


def median_time(action: Callable[[], object], runs: int) -> float:
    """Median wall time of action over runs, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def round_trips(url: str, count: int) -> list[float]:
    with FlightController.open(url) as fc:
        fc.request(Cmd.MSP_API_VERSION)  # warm up: connection, first task run
        times = []
        for _ in range(count):
            start = time.perf_counter()
            fc.request(Cmd.MSP_API_VERSION)
            times.append(time.perf_counter() - start)
    return times


def our_probe(url: str, batching: bool = True) -> tuple[float, int]:
    """Seconds for one probe() on an open port, and its number of requests."""
    with FlightController.open(url) as fc:
        fc.request(Cmd.MSP_API_VERSION)
        if not batching:
            fc.batching = False  # as on firmware without MSP_MULTIPLE_MSP
        start = time.perf_counter()
        result = probe(fc)
        return time.perf_counter() - start, result.requests


def our_open_and_probe(path: str) -> int:
    """Open, probe, close; the probe's number of requests."""
    fc = FlightController.open(path)
    requests = probe(fc).requests
    fc.port.close()
    return requests


def yamspy_open_and_read(path: str) -> None:
    """The same facts the YAMSPy way: MSPy(...) connects and reads identity, then the rest."""
    from yamspy import MSPy

    with contextlib.redirect_stdout(io.StringIO()):  # connect() prints its CONFIG dict
        board = MSPy(device=path, logfilename=None, loglevel="WARNING")
        if board.connect(trials=1):
            raise RuntimeError(f"YAMSPy could not connect to {path}")
        for name in YAMSPY_AFTER_CONNECT:
            if board.send_RAW_msg(MSPy.MSPCodes[name], data=[]):
                board.process_recv_data(board.receive_msg())
        if board.send_RAW_msg(MSP_MOTOR_TELEMETRY, data=[]):
            board.receive_msg()
        board.conn.close()


def yamspy_available() -> bool:
    try:
        import yamspy  # noqa: F401
    except ImportError:
        return False
    return True


def compare_with_yamspy(profile: str, realistic: bool, runs: int) -> None:
    pacing = "paced like Betaflight" if realistic else "answers at once"
    sim = serve_pty(profile, realistic_timing=realistic)
    try:
        requests = our_open_and_probe(sim.path)
        ours = median_time(lambda: our_open_and_probe(sim.path), runs)
        theirs = median_time(lambda: yamspy_open_and_read(sim.path), runs)
    finally:
        sim.stop()
    print(f"  pty, {pacing}: firmware_checks open+probe {ours * 1000:.1f} ms "
          f"({requests} requests), "
          f"YAMSPy open+same facts {theirs * 1000:.1f} ms (one request a fact)")  # fmt: skip
    if realistic:  # the target applies here: a real board answers one request per task run
        verdict = "met" if theirs / ours >= YAMSPY_TARGET else "NOT met"
        print(
            f"    YAMSPy time / ours: {theirs / ours:.2f} "
            f"(target >= {YAMSPY_TARGET:.0f}: {verdict})"
        )
    else:  # only local fixed costs and jitter are left: see benchmarks/README.md
        print(f"    YAMSPy time / ours: {theirs / ours:.2f} (reference only, no target: no pacing)")


def golden_typing(runs: int) -> None:
    """Seconds a line when typing the healthy golden diff: prompt-ended, and silence-ended."""
    lines, _ = golden_lines(diff_all_text("healthy"), DEFAULT_LIMITS.config.ignore)
    typed = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    typed = [line for line in typed if line.split()[0] not in ("save", "exit")]
    with (
        SimulatorServer(profile="config_drift", realistic_timing=True) as server,
        FlightController.open(server.url) as fc,
        CliSession(fc) as cli,
    ):
        prompt_ended = median_time(lambda: cli.apply(typed), runs)
        silence_ended = median_time(lambda: [cli.run(line) for line in typed], runs)
    count = len(typed)
    print(f"golden configuration typed into the CLI ({count} lines, paced like Betaflight):")
    print(f"  each line ended by its prompt: {prompt_ended * 1000:.0f} ms "
          f"({prompt_ended / count * 1000:.1f} ms a line, median of {runs})")  # fmt: skip
    print(
        f"  each line ended by 100 ms of silence: {silence_ended * 1000:.0f} ms "
        f"({silence_ended / count * 1000:.1f} ms a line); "
        f"{silence_ended / prompt_ended:.1f} x slower"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="healthy", help="simulator profile (default: healthy)")
    parser.add_argument(
        "--requests", type=int, default=500, help="requests for the round trip (500)"
    )
    parser.add_argument("--runs", type=int, default=5, help="probes timed, median taken (5)")
    args = parser.parse_args()

    print(f"firmware_checks MSP speed, simulator profile {args.profile!r}, realistic timing")
    with SimulatorServer(profile=args.profile, realistic_timing=True) as server:
        rtts = round_trips(server.url, args.requests)
        rtt = statistics.median(rtts)
        probes = [our_probe(server.url) for _ in range(args.runs)]
        unbatched = [our_probe(server.url, batching=False) for _ in range(args.runs)]
    probe_time = statistics.median(t for t, _ in probes)
    requests = probes[0][1]
    ratio = probe_time / (requests * rtt)
    p95 = statistics.quantiles(rtts, n=20)[-1]
    unbatched_time = statistics.median(t for t, _ in unbatched)
    print(f"  round trip, MSP_API_VERSION over TCP: median {rtt * 1000:.2f} ms, "
          f"p95 {p95 * 1000:.2f} ms ({len(rtts)} requests)")  # fmt: skip
    print(f"  probe over TCP, batched (MSP_MULTIPLE_MSP): {probe_time * 1000:.1f} ms "
          f"for {requests} requests (median of {args.runs})")  # fmt: skip
    print(f"  the same probe one request at a time: {unbatched_time * 1000:.1f} ms "
          f"for {unbatched[0][1]} requests")  # fmt: skip
    verdict = "met" if ratio <= RATIO_TARGET else "NOT met"
    print(f"  ratio probe / (requests x round trip): {ratio:.2f} "
          f"(target <= {RATIO_TARGET}: {verdict})")  # fmt: skip

    if yamspy_available():
        print("YAMSPy comparison, the same facts on the same simulator:")
        compare_with_yamspy(args.profile, realistic=True, runs=args.runs)
        compare_with_yamspy(args.profile, realistic=False, runs=args.runs)
    else:
        print(f"  YAMSPy: not installed; `pip install {YAMSPY_PIN}` to compare")
    golden_typing(args.runs)


if __name__ == "__main__":
    main()
