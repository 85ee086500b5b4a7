"""Following a run the way the page does, and reading what it stored."""

from flask.testing import FlaskClient

from tests.helpers import post
from tests.integration.support import text
from workshop.extensions import db
from workshop.models import BenchRun
from workshop.services import fc_jobs

#: Generous: a run on the simulator takes about a second; this only stops a hung test.
WAIT_S = 60.0


def finished(job: fc_jobs.Job) -> fc_jobs.Job:
    assert job.wait(WAIT_S), f"the {job.kind} run on {job.port} did not end"
    return job


def stored(job: fc_jobs.Job) -> BenchRun:
    """The run the job recorded, as the database holds it."""
    finished(job)
    assert job.run_id is not None, f"no run recorded: {job.error}"
    db.session.expire_all()
    run = db.session.get(BenchRun, job.run_id)
    assert run is not None
    return run


def start_from_page(
    client: FlaskClient, serial: str, kind: str, port_id: int, **fields
) -> fc_jobs.Job:
    """Press the port's button on the start page; answers the job the page then follows."""
    response = post(client, f"/u/{serial}/fc/{kind}", {"port": str(port_id)} | fields)
    assert response.status_code == 303, text(response)
    job_id = response.headers["Location"].rstrip("/").split("/")[-1]
    job = fc_jobs.runner().get(job_id)
    assert job is not None
    return job
