"""What the volunteer sees: starting a run from the unit page, its progress, its result, the
rework it offers, the transcript download; and refused input that changes nothing."""

import re

from firmware_checks.simulator import diff_all_text
from tests.helpers import make_unit, post, reload
from tests.integration.fc.runs import finished, start_from_page, stored
from tests.integration.support import database_state, page_version, rework_form, text
from workshop.services import fc_config, ports
from workshop.workflow import Stage


def test_the_unit_page_offers_the_run_of_its_stage(client, volunteer):
    at_flashing = make_unit(builder=volunteer, at=Stage.FLASHING)
    at_bench = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    at_soldering = make_unit(builder=volunteer, at=Stage.SOLDERING)

    flashing_page = text(client.get(f"/u/{at_flashing.serial}"))
    bench_page = text(client.get(f"/u/{at_bench.serial}"))

    assert f'href="/u/{at_flashing.serial}/fc/identity"' in flashing_page
    assert (
        "Read flight controller" in flashing_page and "Apply golden configuration" in flashing_page
    )
    assert f'href="/u/{at_bench.serial}/fc/bench"' in bench_page and "Run bench test" in bench_page
    assert f'href="/u/{at_bench.serial}/fc/motors"' in bench_page
    assert "/fc/" not in text(client.get(f"/u/{at_soldering.serial}"))
    # Once past the bench test, the runs stay one tap away for the reviewer.
    at_review = make_unit(builder=volunteer, at=Stage.REVIEW)
    review_page = text(client.get(f"/u/{at_review.serial}"))
    assert f'id="fc-runs" href="/u/{at_review.serial}/runs"' in review_page
    assert "/fc/bench" not in review_page
    runs = text(client.get(f"/u/{at_review.serial}/runs"))
    assert runs.count('href="/runs/') == 2  # the identity reading and the bench test


def test_volunteer_runs_the_bench_test_follows_its_steps_and_reads_the_verdict(
    client, volunteer, sim_port
):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    port = sim_port("healthy")
    start_page = text(client.get(f"/u/{unit.serial}/fc/bench"))
    assert f'name="port" value="{port.id}"' in start_page and port.name in start_page

    job = start_from_page(client, unit.serial, "bench", port.id)
    progress = text(client.get(f"/fc/jobs/{job.id}"))
    assert '<progress id="fc-bar" max="7"' in progress
    assert all(step in progress for step in ("Connect", "Gyro noise", "Receiver", "Configuration"))

    finished(job)
    state = client.get(f"/fc/jobs/{job.id}/state").get_json()
    assert state["finished"] and state["verdict"] == "pass"
    assert state["done"] == [
        "connect",
        "identity",
        "sensors",
        "gyro_noise",
        "battery",
        "receiver",
        "config_diff",
    ]
    assert state["open_url"] == f"/runs/{job.run_id}"
    # Polling without JavaScript: the progress page leads to the result once it is stored.
    assert client.get(f"/fc/jobs/{job.id}").headers["Location"] == f"/runs/{job.run_id}"

    page = text(client.get(f"/runs/{job.run_id}"))
    assert 'id="fc-verdict">Passed<' in page
    assert re.search(
        r'data-name="battery">.*?<td>[\d.]+ V</td>\s*<td>USB only .*?✔ pass', page, re.DOTALL
    )
    assert "Gyro noise, roll" in page and "&lt;= " in page
    assert 'id="rework-form"' not in page


def test_a_failed_bench_test_offers_rework_with_the_failing_measurements(
    client, volunteer, sim_port
):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    run = stored(start_from_page(client, unit.serial, "bench", sim_port("noisy_gyro").id))

    page = text(client.get(f"/runs/{run.id}"))

    assert 'id="fc-verdict">Failed<' in page
    assert page.count('class="bad"') == 3
    assert re.search(r'value="failed_bench_test" required checked', page)
    reasons = re.search(r'<textarea[^>]*name="fail-text"[^>]*>\s*([^<]*)</textarea>', page)
    assert reasons and reasons.group(1).startswith("Gyro noise, roll: ")
    assert "Gyro noise, yaw: " in reasons.group(1) and "(limit &lt;= 2 deg/s)" in reasons.group(1)

    response = post(
        client,
        f"/u/{unit.serial}/fail",
        rework_form(
            "fail", page_version(client, unit.serial), "failed_bench_test", words=reasons.group(1)
        ),
    )
    assert response.status_code == 302
    unit = reload(unit)
    assert unit.stage == "soldering" and unit.rework
    assert "Gyro noise, pitch: " in unit.records[-1].note


def test_a_configuration_drift_is_shown_line_by_line(client, volunteer, sim_port):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    fc_config.save_golden(
        unit.drone_type, diff_all_text("healthy"), fc_config.default_patterns(), "pasted", volunteer
    )
    run = stored(start_from_page(client, unit.serial, "bench", sim_port("config_drift").id))

    page = text(client.get(f"/runs/{run.id}"))

    assert (
        '<p class="del"><span aria-hidden="true">−</span> set vbat_warning_cell_voltage = 340'
        in page
    )
    assert '<p class="add"><span aria-hidden="true">+</span> set gyro_lpf1_static_hz = 300' in page
    assert (
        '<p class="del"><span aria-hidden="true">−</span> set p_roll = 48</p>'
        '<p class="add"><span aria-hidden="true">+</span> set p_roll = 55</p>' in page
    )
    assert "Golden configuration: version 1." in page


def test_a_pulled_cable_reads_could_not_test_and_the_transcript_downloads(
    client, volunteer, sim_port
):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    run = stored(start_from_page(client, unit.serial, "bench", sim_port("drops_link").id))

    page = text(client.get(f"/runs/{run.id}"))
    download = client.get(f"/runs/{run.id}/transcript.txt")

    assert 'id="fc-verdict">Could not test<' in page and "lost the flight controller" in page
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="{unit.serial}-run-{run.id}-transcript.txt"'
    )
    lines = text(download).splitlines()
    assert len(lines) == len(run.transcript)
    assert " tx msp " in lines[0] and "could not test" in lines[-1]


def test_a_swapped_board_is_flagged_loudly_on_the_run(client, volunteer, sim_port, board):
    first = make_unit(builder=volunteer, at=Stage.FLASHING)
    second = make_unit(builder=volunteer, at=Stage.FLASHING)
    stored(start_from_page(client, first.serial, "identity", sim_port("healthy").id))
    swapped = ports.add_port("Bench 2", board(first.serial).url, None)
    run = stored(start_from_page(client, second.serial, "identity", swapped.id))

    page = text(client.get(f"/runs/{run.id}"))
    assert 'class="flash error fc-conflict" role="alert"' in page
    assert f"is bound to unit {first.serial}" in page


def test_an_unknown_or_missing_port_is_refused_and_changes_nothing(client, volunteer, sim_port):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    sim_port("healthy")
    before = database_state()

    unknown = post(client, f"/u/{unit.serial}/fc/bench", {"port": "999"})
    missing = post(client, f"/u/{unit.serial}/fc/bench", {})

    assert unknown.status_code == 404 and "There is no such port." in text(unknown)
    assert missing.status_code == 400 and "Some fields need attention" in text(missing)
    assert database_state() == before


def test_a_busy_port_is_refused_on_the_page(client, volunteer, sim_port):
    first = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    second = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    port = sim_port("silent")
    job = start_from_page(client, first.serial, "bench", port.id)

    response = post(client, f"/u/{second.serial}/fc/bench", {"port": str(port.id)})

    assert response.status_code == 409
    assert f"{port.name} is busy with a run on {first.serial}." in text(response)
    finished(job)


def test_a_run_page_of_another_stage_leads_back_to_the_unit_saying_why(client, volunteer):
    unit = make_unit(builder=volunteer, at=Stage.FLASHING)

    for kind in ("bench", "motors"):
        response = client.get(f"/u/{unit.serial}/fc/{kind}", follow_redirects=True)
        assert response.request.path == f"/u/{unit.serial}"
        assert "This run belongs to Bench test; the unit is at Flashing." in text(response)
