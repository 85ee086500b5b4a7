"""The runner against simulated flight controllers over real loopback sockets: what each board
makes of the bench test, and what the runner does with ports, timeouts and pulled cables."""

import pytest
from flask_babel import force_locale

from firmware_checks.run_document import RunKind
from firmware_checks.simulator import diff_all_text
from tests.helpers import in_english, make_unit, reload
from tests.integration.fc.runs import finished, stored
from tests.integration.support import audit_events, database_state
from workshop.extensions import db
from workshop.services import bench_runs, fc_config, fc_jobs, ports
from workshop.services.errors import Conflict, Forbidden
from workshop.workflow import Stage


def bench_unit(volunteer):
    return make_unit(builder=volunteer, at=Stage.BENCH_TEST)


def test_a_healthy_board_passes_the_bench_test_with_every_step_reported(volunteer, sim_port):
    unit = bench_unit(volunteer)
    job = fc_jobs.runner().start(RunKind.BENCH, unit, sim_port("healthy"), volunteer)

    run = stored(job)

    assert run.verdict == "pass", run.reason
    assert job.done == list(job.steps) and job.current is None
    assert [m.name for m in run.measurements][:2] == ["firmware_variant", "firmware_version"]
    assert all(m.passed for m in run.measurements)
    assert run.user_id == volunteer.id and run.kind == "bench" and run.stage == "bench_test"
    assert any(e["kind"] == "msp" and e["direction"] == "tx" for e in run.transcript)
    [event] = audit_events(unit.serial, "unit.run_bench")
    assert event.after["run"] == run.id and event.after["verdict"] == "pass"


@pytest.mark.parametrize(
    ("profile", "failing"),
    [
        ("noisy_gyro", {"gyro_noise_x", "gyro_noise_y", "gyro_noise_z"}),
        ("no_gyro", {"sensors", "arming_flags", "gyro_noise_x", "gyro_noise_y", "gyro_noise_z"}),
        ("low_battery", {"battery"}),
        ("arming_blocked", {"arming_flags"}),
    ],
)
def test_each_faulty_board_fails_on_the_measurement_that_is_wrong(
    volunteer, sim_port, profile, failing
):
    unit = bench_unit(volunteer)

    run = stored(fc_jobs.runner().start(RunKind.BENCH, unit, sim_port(profile), volunteer))

    assert run.verdict == "fail"
    assert {m.name for m in run.failed_measurements} == failing


def test_a_drifted_configuration_fails_with_each_differing_line(volunteer, sim_port):
    unit = bench_unit(volunteer)
    fc_config.save_golden(
        unit.drone_type, diff_all_text("healthy"), fc_config.default_patterns(), "pasted", volunteer
    )

    run = stored(fc_jobs.runner().start(RunKind.BENCH, unit, sim_port("config_drift"), volunteer))

    assert run.verdict == "fail"
    assert [m.name for m in run.failed_measurements] == ["config_diff"]
    assert {(c["kind"], c["expected"], c["actual"]) for c in run.config_changes} == {
        ("missing", "set vbat_warning_cell_voltage = 340", None),
        ("extra", None, "set gyro_lpf1_static_hz = 300"),
        ("changed", "set p_roll = 48", "set p_roll = 55"),
    }
    assert run.golden_version_id is not None


def test_a_pulled_cable_is_recorded_as_could_not_test_with_the_transcript_so_far(
    volunteer, sim_port
):
    unit = bench_unit(volunteer)

    run = stored(fc_jobs.runner().start(RunKind.BENCH, unit, sim_port("drops_link"), volunteer))

    assert run.verdict == "error"
    assert run.measurements == []
    assert "lost the flight controller" in run.reason
    assert any(e["kind"] == "msp" for e in run.transcript)
    assert run.transcript[-1]["data"].startswith("could not test")


def test_noise_on_the_line_is_skipped_and_a_healthy_board_still_passes(volunteer, sim_port):
    unit = bench_unit(volunteer)

    run = stored(fc_jobs.runner().start(RunKind.BENCH, unit, sim_port("garbage"), volunteer))

    assert run.verdict == "pass"
    assert all(m.passed for m in run.measurements) and run.measurements
    # The transcript keeps every byte received, the noise among the answers included.
    noisy = "".join(e["data"] for e in run.transcript if e["direction"] == "rx")
    quiet = "".join(
        e["data"]
        for e in stored(
            fc_jobs.runner().start(
                RunKind.BENCH, bench_unit(volunteer), sim_port("healthy"), volunteer
            )
        ).transcript
        if e["direction"] == "rx"
    )
    assert len(noisy) > len(quiet)


def test_a_run_that_outlives_its_time_is_closed_as_could_not_test(app, volunteer, sim_port):
    # A silent board is given up on after about 1.3 s (two tries of 0.5 s); the run may take 0.6.
    app.config["FC_RUN_TIMEOUT"] = 0.6
    unit = bench_unit(volunteer)

    run = stored(fc_jobs.runner().start(RunKind.BENCH, unit, sim_port("silent"), volunteer))

    assert run.verdict == "error" and run.measurements == []
    assert run.reason == "the run took longer than 0.6 s and was stopped"
    # What was said until then is kept: the first request, unanswered.
    assert run.transcript[0]["direction"] == "tx" and run.transcript[0]["kind"] == "msp"
    assert [e["data"] for e in run.transcript[-2:]] == [
        "steps started: connect, identity",
        "could not test: the run took longer than 0.6 s and was stopped",
    ]


def test_a_second_run_on_a_busy_port_is_refused_and_changes_nothing(app, volunteer, sim_port):
    first, second = bench_unit(volunteer), bench_unit(volunteer)
    port = sim_port("silent")  # never answers: holds the port for a while
    job = fc_jobs.runner().start(RunKind.BENCH, first, port, volunteer)
    before = database_state()

    with force_locale("en"), pytest.raises(Conflict) as refused:
        fc_jobs.runner().start(RunKind.BENCH, second, port, volunteer)

    assert in_english(refused.value.message) == (
        f"{port.name} is busy with a run on {first.serial}. "
        "Wait until it ends, or choose another port."
    )
    assert database_state() == before
    finished(job)
    # Once the first run has ended the port is free again.
    assert (
        stored(
            fc_jobs.runner().start(RunKind.BENCH, second, sim_port("healthy"), volunteer)
        ).verdict
        == "pass"
    )


def test_a_run_is_refused_at_a_stage_it_does_not_belong_to(volunteer, sim_port):
    unit = make_unit(builder=volunteer, at=Stage.SOLDERING)
    port = sim_port("healthy")
    before = database_state()

    with pytest.raises(Forbidden):
        fc_jobs.runner().start(RunKind.BENCH, unit, port, volunteer)

    assert database_state() == before
    assert fc_jobs.runner().busy_port(port.url) is None


def test_wrong_target_at_flashing_fails_the_stage_as_wrong_firmware(volunteer, sim_port):
    unit = make_unit(builder=volunteer, at=Stage.FLASHING)
    limits = fc_config.current_limits(unit.drone_type)[0].to_dict()
    limits["board"] = {"board_id": "S7X2", "target": "STM32F7X2"}
    fc_config.save_limits(unit.drone_type, limits, volunteer)

    run = stored(
        fc_jobs.runner().start(RunKind.IDENTITY, unit, sim_port("wrong_target"), volunteer)
    )

    assert run.verdict == "fail"
    assert {m.name for m in run.failed_measurements} == {"board_id", "target"}
    unit = reload(unit)
    assert unit.stage == "flashing" and unit.rework
    assert unit.records[-1].reason == "wrong_firmware"


def test_each_simulated_unit_has_its_own_board_and_a_swapped_board_is_flagged(
    volunteer, sim_port, board
):
    first = make_unit(builder=volunteer, at=Stage.FLASHING)
    second = make_unit(builder=volunteer, at=Stage.FLASHING)
    own = [
        stored(
            fc_jobs.runner().start(
                RunKind.IDENTITY,
                u,
                sim_port("healthy") if u is first else ports.list_ports()[0],
                volunteer,
            )
        )
        for u in (first, second)
    ]
    assert own[0].board_uid != own[1].board_uid
    assert all(run.conflict is None for run in own)

    # The first unit's board turns up on the second unit.
    swapped = ports.add_port("Bench 2", board(first.serial).url, None)
    run = stored(fc_jobs.runner().start(RunKind.IDENTITY, second, swapped, volunteer))

    assert run.board_uid == own[0].board_uid
    assert run.conflict is not None
    assert run.conflict.other_unit_id == first.id and run.conflict.bound_uid == own[1].board_uid


def test_stored_runs_are_kept_and_the_latest_decides(volunteer, sim_port):
    unit = bench_unit(volunteer)
    noisy = stored(fc_jobs.runner().start(RunKind.BENCH, unit, sim_port("noisy_gyro"), volunteer))
    healthy = stored(fc_jobs.runner().start(RunKind.BENCH, unit, sim_port("healthy"), volunteer))

    db.session.expire_all()
    kept = [r.id for r in bench_runs.runs_for(unit) if r.kind == "bench"]
    assert kept == [healthy.id, noisy.id]
    assert bench_runs.latest_run(unit, "bench").id == healthy.id
