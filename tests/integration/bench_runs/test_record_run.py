"""Recording a run: the one service the web runner and the stations share."""

import copy

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from firmware_checks.bench_run import read_identity, run_check
from firmware_checks.limits import DEFAULT_LIMITS, limits_from_mapping
from firmware_checks.run_document import RunKind
from tests.helpers import (
    board_uid,
    in_english,
    login,
    make_drone_type,
    make_unit,
    make_user,
    pass_checks,
    post,
    record_passing_run,
    reload,
    required_ids,
    simulator_documents,
)
from tests.integration.support import audit_events, database_state, english, finish, text
from workshop.extensions import db
from workshop.models import BenchRun, BoardBinding
from workshop.services import bench_runs, fc_config
from workshop.services.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.services.stages import StageInput, fail_stage, finish_stage
from workshop.workflow import Role, Stage


def _record(unit, document, kind=None, actor=None, **versions):
    return bench_runs.record_run(
        unit.serial,
        bench_runs.read_document(document),
        kind=RunKind(kind or RunKind.IDENTITY),
        actor=actor,
        station=None,
        limits_version_id=versions.get("limits"),
        golden_version_id=versions.get("golden"),
    )


def _finish(unit, who):
    unit = reload(unit)
    return finish_stage(unit, who, StageInput(version=unit.version, checked=required_ids(unit)))


def test_a_real_bench_test_is_stored_whole_with_its_versions(app, board):
    volunteer = make_user()
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    limits = fc_config.save_limits(
        unit.drone_type, DEFAULT_LIMITS.to_dict() | {"gyro": {"max_std_dps": 3.0}}, None
    )
    judging = bench_runs.judging_for(unit)
    assert (
        judging.kind == "bench"
        and judging.limits_version_id == limits.id
        and judging.golden is None
    )
    result = run_check(board(serial=unit.serial), judging.limits).document().to_json()
    version_before = reload(unit).version

    run = _record(reload(unit), result, "bench", volunteer, limits=limits.id)

    db.session.expire_all()
    stored = db.session.get(BenchRun, run.id)
    assert (stored.kind, stored.stage, stored.verdict, stored.user_id) == (
        "bench",
        "bench_test",
        "pass",
        volunteer.id,
    )
    assert stored.limits_version_id == limits.id and stored.golden_version_id is None
    assert [m.name for m in stored.measurements] == [m["name"] for m in result["measurements"]]
    assert all(m.passed for m in stored.measurements) and len(stored.measurements) == 9
    gyro = next(m for m in stored.measurements if m.name.startswith("gyro"))
    assert "3" in gyro.limit and gyro.unit
    assert stored.transcript == result["transcript"] and len(stored.transcript) > 20
    assert stored.board_uid == board_uid(unit.serial) == result["probe"]["uid"]
    assert limits_from_mapping(stored.limits).gyro.max_std_dps == 3.0
    text = bench_runs.transcript_text(stored)
    assert text.count("\n") == len(result["transcript"]) and " tx msp " in text
    event = audit_events(unit.serial, "unit.run_bench")[-1]
    assert (
        event.user_id == volunteer.id
        and event.after["verdict"] == "pass"
        and event.after["run"] == run.id
    )
    # A run that does not move the unit leaves a page opened before it valid.
    assert reload(unit).version == version_before


def _bad_documents():
    good = simulator_documents()["identity"]
    cases = {
        "not an object": [],
        "no verdict": {k: v for k, v in good.items() if k != "verdict"},
        "unknown verdict": good | {"verdict": "maybe"},
        "measurement without name": good
        | {"measurements": [{"value": 1, "unit": "", "limit": "", "passed": True}]},
        "passed is text": good | {"measurements": [good["measurements"][0] | {"passed": "yes"}]},
        "pass with a failed measurement": good
        | {"measurements": [good["measurements"][0] | {"passed": False}]},
        "transcript entry": good
        | {"transcript": [{"t": 0, "direction": "sideways", "kind": "msp", "data": ""}]},
        "limits unknown key": good | {"limits": {"gyro": {"max_noise": 1}}},
        "uid too long": good | {"probe": good["probe"] | {"uid": "f" * 49}},
    }
    return list(cases.items())


@pytest.mark.parametrize(
    ("case", "document"), _bad_documents(), ids=[c for c, _ in _bad_documents()]
)
def test_a_bad_document_is_refused_and_nothing_is_stored(app, case, document):
    unit = make_unit(at=Stage.FLASHING)
    before = database_state()
    with pytest.raises(Invalid) as refused:
        _record(unit, copy.deepcopy(document))
    assert "The run document is not valid" in in_english(refused.value.message)
    assert database_state() == before


def test_unknown_unit_wrong_stage_and_foreign_version_are_refused(app):
    drone_unit = make_unit(at=Stage.SOLDERING)
    other_type_limits = fc_config.save_limits(make_drone_type("ZZ"), DEFAULT_LIMITS.to_dict(), None)
    document = copy.deepcopy(simulator_documents()["identity"])
    before = database_state()
    with pytest.raises(NotFound):
        bench_runs.record_run(
            "T7-2000-00001",
            bench_runs.read_document(document),
            kind=RunKind.IDENTITY,
            actor=None,
            station=None,
            limits_version_id=None,
            golden_version_id=None,
        )
    with pytest.raises(Conflict):
        _record(drone_unit, document)  # soldering: no flight controller to read yet
    assert database_state() == before
    flashing = make_unit(at=Stage.FLASHING)
    before = database_state()
    with pytest.raises(Conflict):
        _record(flashing, document, kind="bench")  # a bench test belongs to the next stage
    with pytest.raises(Invalid):
        _record(flashing, document, limits=other_type_limits.id)
    assert database_state() == before


def test_a_wrong_target_fails_flashing_as_wrong_firmware(app, board):
    volunteer = make_user()
    unit = make_unit(builder=volunteer, at=Stage.FLASHING)
    mapping = DEFAULT_LIMITS.to_dict()
    mapping["board"] = {"board_id": "S7X2", "target": "STM32F7X2"}
    limits = fc_config.save_limits(unit.drone_type, mapping, None)
    judging = bench_runs.judging_for(unit)
    result = read_identity(board("wrong_target", unit.serial), judging.limits).document().to_json()
    assert result["verdict"] == "fail"

    run = _record(unit, result, actor=volunteer, limits=limits.id)

    unit = reload(unit)
    assert (unit.stage, unit.rework) == ("flashing", True)
    record = unit.records[-1]
    assert (record.stage, record.outcome, record.reason, record.rework_to) == (
        "flashing",
        "failed",
        "wrong_firmware",
        "flashing",
    )
    assert (
        record.user_id == volunteer.id and "STM32F405" in record.note and "STM32F7X2" in record.note
    )
    assert [e.action for e in audit_events(unit.serial)][-2:] == ["unit.run_identity", "unit.fail"]
    assert {m.name for m in run.failed_measurements} >= {"target"}
    with force_locale("en"), pytest.raises(Forbidden) as refused:
        _finish(unit, volunteer)
    assert "did not pass" in in_english(refused.value.message)


def test_the_latest_run_decides(app):
    volunteer = make_user()
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    with force_locale("en"), pytest.raises(Forbidden) as refused:
        _finish(unit, volunteer)
    assert "Run the bench test first" in in_english(refused.value.message)
    record_passing_run(reload(unit), volunteer)
    failing = copy.deepcopy(simulator_documents()["bench"])
    failing["measurements"][0]["passed"] = False
    failing["verdict"] = "fail"
    failing["probe"]["uid"] = board_uid(unit.serial)
    _record(reload(unit), failing, "bench", volunteer)
    with force_locale("en"), pytest.raises(Forbidden) as refused:
        _finish(unit, volunteer)
    assert "The latest bench test did not pass" in in_english(refused.value.message)
    assert (
        reload(unit).stage == "bench_test" and not reload(unit).rework
    )  # a bench fail moves nothing by itself
    could_not = copy.deepcopy(simulator_documents()["bench"]) | {
        "verdict": "error",
        "measurements": [],
        "probe": None,
    }
    record_passing_run(reload(unit), volunteer)
    _record(reload(unit), could_not, "bench", volunteer)
    with pytest.raises(Forbidden):
        _finish(unit, volunteer)
    record_passing_run(reload(unit), volunteer)
    _finish(unit, volunteer)
    assert reload(unit).stage == "review"


def test_rework_back_through_flashing_needs_a_fresh_reading(app):
    volunteer = make_user()
    unit = reload(make_unit(builder=volunteer, at=Stage.BENCH_TEST))
    fail_stage(unit, volunteer, StageInput(version=unit.version, reason="cold_joint"))
    _finish(unit, volunteer)  # soldering again
    assert reload(unit).stage == "flashing"
    with force_locale("en"), pytest.raises(Forbidden) as refused:
        _finish(unit, volunteer)  # the first visit's reading does not count
    assert "Read the flight controller first" in in_english(refused.value.message)
    pass_checks(reload(unit), volunteer)
    _finish(unit, volunteer)
    assert reload(unit).stage == "bench_test"


def test_judging_uses_the_current_versions_and_the_goldens_ignore_patterns(app):
    unit = make_unit(at=Stage.FLASHING)
    assert bench_runs.judging_for(unit).limits == DEFAULT_LIMITS
    fc_config.save_limits(unit.drone_type, {"attitude": {"max_tilt_deg": 5.0}}, None)
    second = fc_config.save_limits(unit.drone_type, {"attitude": {"max_tilt_deg": 7.0}}, None)
    golden = fc_config.save_golden(
        unit.drone_type,
        "set gyro_lpf1_static_hz = 250\nset craft_name = X",
        ["set craft_name"],
        "pasted",
        None,
    )
    judging = bench_runs.judging_for(unit)
    assert (judging.kind, judging.limits_version_id, judging.limits_number) == (
        "identity",
        second.id,
        2,
    )
    assert judging.limits.attitude.max_tilt_deg == 7.0 and judging.limits.config.ignore == (
        "set craft_name",
    )
    assert (judging.golden_version_id, judging.golden_number, judging.ignore) == (
        golden.id,
        1,
        ("set craft_name",),
    )
    assert judging.golden.startswith("set gyro_lpf1_static_hz")
    answer = judging.for_station(unit)
    assert answer["limits_version"] == second.id and answer["golden_version"] == golden.id
    assert limits_from_mapping(answer["limits"]) == judging.limits
    kitting = make_unit(at=Stage.KITTING)
    with pytest.raises(Conflict):
        bench_runs.judging_for(kitting)


def test_runs_are_listed_newest_first_and_every_run_is_kept(app):
    unit = make_unit(at=Stage.BENCH_TEST)
    record_passing_run(reload(unit))
    record_passing_run(reload(unit))
    assert [r.kind for r in bench_runs.runs_for(unit)] == ["bench", "bench", "identity"]
    assert bench_runs.latest_run(unit, "bench").id == bench_runs.runs_for(unit)[0].id
    # The same board on every run: one binding, made on first sight.
    assert db.session.scalar(sa.select(sa.func.count(BoardBinding.id))) == 1
    assert bench_runs.bound_board(unit).uid == board_uid(unit.serial)


def test_the_unit_page_refuses_to_finish_flashing_unread_and_changes_nothing(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer, at=Stage.FLASHING)
    login(client, volunteer)
    english(client)
    before = database_state()
    response = finish(client, unit, required_ids(unit))
    assert response.status_code == 403
    assert "Read the flight controller first: the stage finishes when the reading passes." in text(
        response
    )
    assert database_state() == before
    record_passing_run(reload(unit), volunteer)
    assert finish(client, unit, required_ids(reload(unit))).status_code == 302
    assert reload(unit).stage == "bench_test"


def test_a_reviewer_who_ran_the_flight_controller_cannot_sign_the_unit_off(app, client):
    volunteer, reviewer = make_user(), make_user(Role.REVIEWER)
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    record_passing_run(reload(unit), reviewer)  # the reviewer ran the bench test, nothing else
    _finish(unit, volunteer)
    login(client, reviewer)
    english(client)
    assert "you cannot sign it off" in text(client.get(f"/review/{unit.serial}"))
    before = database_state()
    unit = reload(unit)
    response = post(
        client, f"/review/{unit.serial}/approve", {"approve-version": str(unit.version)}
    )
    assert response.status_code == 403 and database_state() == before
