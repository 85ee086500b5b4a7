"""The demo data: simulated flight controllers a newcomer can run a bench test on."""

import sqlalchemy as sa

from firmware_checks.run_document import RunKind
from tests.integration.fc.runs import stored
from workshop.extensions import db
from workshop.models import BenchRun, BoardBinding, Unit
from workshop.services import accounts, bench_runs, demo, fc_config, fc_jobs, ports


def test_the_demo_has_simulated_ports_limits_golden_and_real_runs_for_units_past_the_board_stages(
    app,
):
    demo.seed()

    assert [(p.name, p.url) for p in ports.list_ports()] == [
        ("Симулятор (справний)", "sim://healthy"),
        ("Симулятор (шумний гіроскоп)", "sim://noisy_gyro"),
    ]
    units = list(db.session.scalars(sa.select(Unit).order_by(Unit.id)))
    for unit in units:
        assert fc_config.current_golden(unit.drone_type) is not None
        assert fc_config.current_limits(unit.drone_type)[0].board.target == "SITL"
    runs = list(db.session.scalars(sa.select(BenchRun)))
    # Five units went past flashing, four of them past the bench test and its motor check too
    # (three of those are in the field): each run real and passed.
    assert sorted(r.kind for r in runs) == ["bench"] * 4 + ["identity"] * 5 + ["motors"] * 4
    assert all(r.verdict == "pass" and r.transcript for r in runs)
    bindings = list(db.session.scalars(sa.select(BoardBinding)))
    assert len({b.uid for b in bindings}) == len(bindings) == 5


def test_the_demo_has_a_unit_in_service_one_returned_and_under_repair_and_one_lost(app):
    demo.seed()

    handed = list(
        db.session.scalars(sa.select(Unit).where(Unit.deliveries.any()).order_by(Unit.id))
    )
    assert [(u.stage, u.status, u.repair) for u in handed] == [
        ("delivered", "active", False),
        ("soldering", "active", True),
        ("delivered", "lost", False),
    ]
    back = handed[1].returns[-1]
    assert (back.reason, back.outcome, back.repair_stage) == ("no_video", "repair", "soldering")
    assert handed[2].losses[-1].reason == "not_recovered"
    assert all(u.drone_type.care_notes for u in handed)


def test_the_demo_bench_test_passes_on_the_healthy_port_and_fails_on_the_noisy_one(app):
    demo.seed()
    volunteer = accounts.find_by_name(demo.ACCOUNTS[0].name)
    unit = db.session.scalar(sa.select(Unit).where(Unit.stage == "bench_test"))
    healthy, noisy = ports.list_ports()

    failed = stored(fc_jobs.runner().start(RunKind.BENCH, unit, noisy, volunteer))
    passed = stored(fc_jobs.runner().start(RunKind.BENCH, unit, healthy, volunteer))

    assert failed.verdict == "fail" and {m.name for m in failed.failed_measurements} == {
        "gyro_noise_x",
        "gyro_noise_y",
        "gyro_noise_z",
    }
    assert passed.verdict == "pass" and passed.config_changes == []
    assert bench_runs.latest_run(unit, "bench").id == passed.id
    # Both ports are the same unit's board: one board bound, no conflict.
    assert failed.board_uid == passed.board_uid and failed.conflict is None
