"""Who is this drone? A volunteer plugs a flight controller into a bench port and presses the
port on the scan page: the app reads the board and opens the unit it is bound to, or says
plainly that no unit has it. Nothing is recorded."""

from tests.helpers import board_uid, make_delivered_unit, make_unit, post
from tests.integration.fc.runs import finished
from tests.integration.support import database_state, text
from workshop.services import fc_jobs
from workshop.workflow import Stage


def identify(client, port_id: int) -> fc_jobs.Job:
    """Press the port under "Identify by flight controller"; answers the job the page follows."""
    response = post(client, "/identify", {"port": str(port_id)})
    assert response.status_code == 303, text(response)
    job = fc_jobs.runner().get(response.headers["Location"].rstrip("/").split("/")[-1])
    assert job is not None and job.kind == fc_jobs.IDENTIFY
    return finished(job)


def test_a_returned_drone_is_found_by_its_board_and_its_unit_opens(client, volunteer, sim_port):
    unit = make_delivered_unit()
    port = sim_port("healthy")
    page = text(client.get("/"))
    assert "Identify by flight controller" in page
    assert 'action="/identify"' in page and f'name="port" value="{port.id}"' in page
    # The drone's own board, plugged into the simulated port.
    fc_jobs.runner().boards.url_for(port.url, "healthy", unit.serial)
    before = database_state()

    job = identify(client, port.id)

    state = client.get(f"/fc/jobs/{job.id}/state").get_json()
    assert state["finished"] and state["error"] is None
    assert state["open_url"] == f"/u/{unit.serial}"
    assert state["done"] == ["connect", "identity"]
    assert client.get(f"/fc/jobs/{job.id}").headers["Location"] == f"/u/{unit.serial}"
    assert job.document is not None and job.document.board_uid == board_uid(unit.serial)
    # A lookup, as a scanned label is: no run, no event, no change.
    assert database_state() == before


def test_a_board_no_unit_has_is_said_plainly(client, volunteer, sim_port):
    make_unit(at=Stage.BENCH_TEST)  # a bound board, but not the one plugged in
    port = sim_port("healthy")  # nothing used on it yet: a blank board
    before = database_state()

    job = identify(client, port.id)

    state = client.get(f"/fc/jobs/{job.id}/state").get_json()
    assert state["open_url"] is None
    assert state["error"].startswith("No unit has the board ")
    page = text(client.get(f"/fc/jobs/{job.id}"))
    assert "No unit has the board" in page and "Identify by flight controller" in page
    assert 'href="/">Back to the scan page' in page
    assert database_state() == before


def test_a_port_busy_identifying_says_so(client, volunteer, sim_port):
    port = sim_port("silent")  # a board that does not answer: the first press keeps the port
    first = post(client, "/identify", {"port": str(port.id)})
    job = fc_jobs.runner().get(first.headers["Location"].rstrip("/").split("/")[-1])
    assert job is not None

    second = post(client, "/identify", {"port": str(port.id)})

    assert second.status_code == 302
    assert f"{port.name} is busy identifying a board." in text(client.get("/"))
    finished(job)


def test_an_unknown_port_is_refused_on_the_scan_page(client, volunteer):
    response = post(client, "/identify", {"port": "999"})
    assert response.status_code == 302
    assert "There is no such port." in text(client.get("/"))
