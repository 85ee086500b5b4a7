"""The coordinator reads the golden configuration from a flight controller known to be good."""

from firmware_checks.simulator import diff_all_text
from tests.helpers import login, make_drone_type, make_user, post
from tests.integration.fc.runs import finished
from tests.integration.support import audit_events, database_state, english, text
from workshop.services import fc_config, fc_jobs
from workshop.workflow import Role


def test_coordinator_reads_a_good_board_looks_at_it_and_saves_it_as_a_new_version(client, sim_port):
    drone_type = make_drone_type()
    port = sim_port("healthy")
    coordinator = make_user(Role.ADMIN)
    login(client, coordinator)
    english(client)
    page = text(client.get(f"/admin/types/{drone_type.id}/golden"))
    assert 'id="read-golden"' in page and f'data-port="{port.id}"' in page

    started = post(client, f"/admin/types/{drone_type.id}/golden/read", {"port": str(port.id)})
    assert started.status_code == 202, text(started)
    job = finished(fc_jobs.runner().get(started.get_json()["id"]))
    state = client.get(f"/fc/jobs/{job.id}/state").get_json()
    assert state["done"] == ["connect", "identity", "config_diff"]
    # What the board printed for `diff all`, the board's own MCU id included.
    assert state["config_text"].strip() == job.config_text.strip()
    assert "set p_roll = 48" in job.config_text and "mcu_id" in job.config_text
    assert fc_config.current_golden(drone_type) is None  # nothing saved before the person says so

    saved = post(
        client, f"/admin/types/{drone_type.id}/golden/read/{job.id}", follow_redirects=True
    )

    assert "Golden configuration saved as version 1." in text(saved)
    golden = fc_config.current_golden(drone_type)
    assert golden is not None and golden.text == job.config_text.strip()
    assert list(golden.ignore) == fc_config.default_patterns()
    [row] = fc_config.golden_versions(drone_type)
    assert row.source == "read"
    assert audit_events(action="golden.save")[-1].after["source"] == "read"
    # Read back from the same kind of board, it is the simulator's golden configuration.
    assert set(diff_all_text("healthy").splitlines()) - set(golden.text.splitlines()) <= {
        line for line in diff_all_text("healthy").splitlines() if line.startswith("mcu_id")
    }


def test_only_a_coordinator_reads_and_an_unknown_reading_saves_nothing(client, sim_port):
    drone_type = make_drone_type()
    port = sim_port("healthy")
    login(client, make_user(Role.VOLUNTEER))
    refused = post(client, f"/admin/types/{drone_type.id}/golden/read", {"port": str(port.id)})
    assert refused.status_code == 403

    login(client, make_user(Role.ADMIN))
    english(client)
    before = database_state()
    unknown = post(
        client, f"/admin/types/{drone_type.id}/golden/read/nosuchjob", follow_redirects=True
    )

    assert "Read the flight controller again: that reading is not known here." in text(unknown)
    assert database_state() == before
