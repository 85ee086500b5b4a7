"""The motor check (propellers off, one motor at a time, a direction tap each, stop at once) and
applying the golden configuration (only to the board the confirmation names)."""

import threading

from firmware_checks.simulator import diff_all_text
from tests.helpers import board_uid, make_unit, post
from tests.integration.fc.runs import finished, start_from_page, stored
from tests.integration.support import database_state, text
from workshop.services import bench_runs, fc_config, fc_jobs, ports
from workshop.workflow import Stage


def spin(client, serial, port_id, motor, **extra):
    return post(
        client, f"/u/{serial}/fc/motors/spin", {"port": str(port_id), "motor": str(motor)} | extra
    )


def test_no_motor_spins_without_the_propellers_off_confirmation(client, volunteer, sim_port):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    port = sim_port("healthy")
    before = database_state()

    response = spin(client, unit.serial, port.id, 1)

    assert response.status_code == 400
    assert response.get_json() == {"error": "Confirm first that the propellers are off."}
    assert fc_jobs.runner().busy_port(port.url) is None and not fc_jobs.runner()._jobs
    assert database_state() == before


def test_each_motor_spins_alone_and_the_check_records_rpm_and_direction(
    client, volunteer, sim_port
):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    port = sim_port("healthy")
    answers = {}
    for motor in (1, 2):
        started = spin(client, unit.serial, port.id, motor, propellers_off="y")
        assert started.status_code == 202, text(started)
        job = finished(fc_jobs.runner().get(started.get_json()["id"]))
        state = client.get(f"/fc/jobs/{job.id}/state").get_json()
        assert state["verdict"] == "pass", state
        assert state["steps"][-1] == f"motor_{motor}"
        assert [m["name"] for m in state["measurements"]] == [f"motor_{motor}_rpm"]
        answers |= {
            f"job-{motor}": job.id,
            f"direction-{motor}": "ok" if motor == 1 else "reversed",
        }

    response = post(client, f"/u/{unit.serial}/fc/motors", answers, follow_redirects=True)

    assert response.status_code == 200 and "/runs/" in response.request.path, text(response)
    run = bench_runs.get_run(int(response.request.path.rsplit("/", 1)[1]))
    assert run.kind == "motors" and run.verdict == "fail"
    assert [(m.name, m.value, m.passed) for m in run.measurements if "direction" in m.name] == [
        ("motor_1_direction", "as expected", True),
        ("motor_2_direction", "reversed", False),
    ]
    assert {m.name for m in run.failed_measurements} == {"motor_2_direction"}
    assert any("spinning motor 2" in e["data"] for e in run.transcript)
    assert run.board_uid == board_uid(unit.serial) and run.conflict is None


def test_the_stop_request_reaches_the_port_and_a_motor_check_without_taps_is_refused(
    client, volunteer, sim_port
):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    port = sim_port("healthy")
    finished(
        fc_jobs.runner().get(
            spin(client, unit.serial, port.id, 1, propellers_off="y").get_json()["id"]
        )
    )

    stopped = post(client, f"/u/{unit.serial}/fc/motors/stop", {"port": str(port.id)})
    before = database_state()
    untapped = post(client, f"/u/{unit.serial}/fc/motors", {})

    assert stopped.get_json() == {"stopped": True}
    assert untapped.status_code == 302 and untapped.headers["Location"].endswith("/fc/motors")
    assert "Spin at least one motor and say which way it turned." in text(
        client.get(f"/u/{unit.serial}/fc/motors")
    )
    assert database_state() == before


def _golden(unit, volunteer):
    fc_config.save_golden(
        unit.drone_type, diff_all_text("healthy"), fc_config.default_patterns(), "pasted", volunteer
    )


def test_the_golden_configuration_is_applied_to_the_confirmed_board_and_read_back(
    client, volunteer, sim_port
):
    unit = make_unit(builder=volunteer, at=Stage.FLASHING)
    _golden(unit, volunteer)
    port = sim_port("config_drift")
    stored(start_from_page(client, unit.serial, "identity", port.id))
    uid = bench_runs.bound_board(unit).uid

    page = text(client.get(f"/u/{unit.serial}/fc/apply"))
    assert f"to unit {unit.serial}, board {uid}?" in page

    run = stored(start_from_page(client, unit.serial, "apply", port.id, board=uid, confirm="y"))

    assert run.kind == "apply" and run.verdict == "pass", run.reason
    assert run.config_changes == []
    # The board keeps what was saved: its bench configuration matches the golden one now.
    assert [m.name for m in run.measurements] == ["refused_lines", "saved", "config_diff"]


def test_applying_is_refused_without_confirmation_or_for_another_board(client, volunteer, sim_port):
    unit = make_unit(builder=volunteer, at=Stage.FLASHING)
    _golden(unit, volunteer)
    port = sim_port("healthy")
    unread = post(
        client, f"/u/{unit.serial}/fc/apply", {"port": str(port.id), "board": "x", "confirm": "y"}
    )
    stored(start_from_page(client, unit.serial, "identity", port.id))
    uid = bench_runs.bound_board(unit).uid
    before = database_state()

    unconfirmed = post(client, f"/u/{unit.serial}/fc/apply", {"port": str(port.id), "board": uid})
    other = post(
        client,
        f"/u/{unit.serial}/fc/apply",
        {"port": str(port.id), "board": "0" * 24, "confirm": "y"},
    )

    assert unread.status_code == 400 and "Read the flight controller first" in text(unread)
    assert unconfirmed.status_code == 400 and "I checked the unit and the board" in text(
        unconfirmed
    )
    assert other.status_code == 400 and "Another board is bound to this unit now." in text(other)
    assert database_state() == before


def test_another_board_on_the_port_is_not_overwritten(client, volunteer, sim_port, board):
    unit = make_unit(builder=volunteer, at=Stage.FLASHING)
    _golden(unit, volunteer)
    stored(start_from_page(client, unit.serial, "identity", sim_port("healthy").id))
    uid = bench_runs.bound_board(unit).uid
    stranger = ports.add_port("Bench 3", board("SOMEONE-ELSE", "config_drift").url, None)

    run = stored(start_from_page(client, unit.serial, "apply", stranger.id, board=uid, confirm="y"))

    assert run.verdict == "error"
    assert run.reason.endswith(f"not the confirmed board {uid}: nothing was changed")
    assert not any(e["kind"] == "cli" and e["direction"] == "tx" for e in run.transcript)


def test_the_stop_request_stops_a_spinning_motor_before_its_time(client, volunteer, sim_port):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    port = sim_port("healthy")
    job = fc_jobs.runner().get(
        spin(client, unit.serial, port.id, 3, propellers_off="y").get_json()["id"]
    )
    # The page is left while motor 3 turns: its beacon asks the server to stop every motor.
    deadline = threading.Event()
    while job.current != "motor_3" and not job.finished:
        deadline.wait(0.01)

    stopped = post(client, f"/u/{unit.serial}/fc/motors/stop", {"port": str(port.id)})

    assert stopped.get_json() == {"stopped": True}
    [rpm] = finished(job).document.measurements
    assert (rpm.name, rpm.passed, rpm.detail) == (
        "motor_3_rpm",
        False,
        "stopped before its time",
    )
    assert any(e.data.startswith("motor 3 stopped after") for e in job.document.transcript)
