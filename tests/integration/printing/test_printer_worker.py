"""Issue 12, point 9: a printer never holds a page. Sending happens in the print worker: the
page answers at once, the job's state follows ("Waiting", "Sending", then "Sent" or "Failed"),
and ten prints to a printer that never answers leave the server's threads free, so a scan on
another tablet answers at once. A job a stop left behind is sent after the next start."""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from waitress.server import create_server

from tests.conftest import _test_app
from tests.helpers import PIN, make_unit, make_user, post
from tests.integration.support import text
from tests.unit.printing.listener import busy_printer, printer_listening
from workshop.extensions import db
from workshop.models import PrintJob
from workshop.services import printing, settings
from workshop.workflow import Role

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
#: Long enough that a page waiting for the printer could not answer in time, short enough
#: for the test.
PRINTER_TIMEOUT = 3.0


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the answer itself (a 302) is what the test times


class Tablet:
    """A browser on a tablet: its own cookies, talking HTTP to the served app."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _KeepRedirects()
        )

    def open(self, path: str, form: dict | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()

    def post(self, path: str, form: dict) -> int:
        page = self.open("/" if path != "/login" else "/login")[1]
        token = CSRF.search(page)
        assert token, f"no CSRF token before {path}"
        return self.open(path, form | {"csrf_token": token[1]})[0]

    def log_in(self, name: str) -> None:
        assert self.post("/login", {"username": name, "pin": PIN}) == 302
        assert self.post("/language", {"lang": "en"}) == 302


@pytest.fixture
def served(app) -> Iterator[str]:
    """The app under waitress with as many threads as `python -m workshop` gives it."""
    app.config["PRINTER_TIMEOUT_SECONDS"] = PRINTER_TIMEOUT
    server = create_server(app, host="127.0.0.1", port=0, threads=app.config["SERVER_THREADS"])
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=10)


def _wait_until(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.05)


def _states() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(PrintJob.state).order_by(PrintJob.id)))


def test_ten_prints_to_a_silent_printer_do_not_slow_a_scan_on_another_tablet(app, served):
    admin = make_user(Role.ADMIN)
    volunteer, other = make_user(), make_user()
    unit, scanned = make_unit(builder=volunteer), make_unit(builder=other)
    bench, front = Tablet(served), Tablet(served)
    scan_code = scanned.serial
    bench.log_in(volunteer.name)
    front.log_in(other.name)
    with busy_printer() as address:
        printer = printing.add_printer(
            printing.PrinterFields("Zebra", "zpl", address, "", "50x30"), admin
        )
        answers: list[tuple[int, float]] = []
        path, form = f"/u/{unit.serial}/label/send", {"printer": str(printer.id)}
        start = time.monotonic()

        def tap_print() -> None:
            status = bench.post(path, form)
            answers.append((status, time.monotonic() - start))

        taps = [threading.Thread(target=tap_print) for _ in range(10)]
        for tap in taps:
            tap.start()
        for tap in taps:
            tap.join()
        scan_status = front.post("/scan", {"code": scan_code})
        scan_answered = time.monotonic() - start
        pending = _states()

        # Every page answered before the first printer could even time out ...
        assert [status for status, _ in answers] == [302] * 10
        assert max(at for _, at in answers) < PRINTER_TIMEOUT
        assert scan_status == 302 and scan_answered < PRINTER_TIMEOUT
        # ... while the ten jobs were still on their way: the first one being sent, nine waiting.
        assert pending.count("sending") == 1 and pending.count("queued") == 9
        page = text_of(front.open("/print-jobs"))
        assert page.count("job-sending") == 1 and page.count("job-queued") == 9
        assert "data-follow-seconds" in page
        # The first job fails when its printer's time is up, in the language it was asked in.
        _wait_until(lambda: _states()[0] == "failed", PRINTER_TIMEOUT * 2)
        first = db.session.scalars(sa.select(PrintJob).order_by(PrintJob.id)).first()
        assert "did not answer in time" in first.error
    # The printer is switched off: the other jobs are refused at once.
    assert printing.worker(app).wait_until_idle(PRINTER_TIMEOUT * 2)
    assert _states() == ["failed"] * 10
    assert "data-follow-seconds" not in text_of(front.open("/print-jobs"))


def text_of(answer: tuple[int, str]) -> str:
    status, body = answer
    assert status == 200
    return body


def test_jobs_left_waiting_by_a_stop_are_sent_after_the_next_start(app, tmp_path):
    admin = make_user(Role.ADMIN)
    unit = make_unit()
    with printer_listening() as listener:
        printer = printing.add_printer(
            printing.PrinterFields("Zebra", "zpl", listener.address, "", "50x30"), admin
        )
        settings.update(settings.WorkshopSettings(label_base_url="http://10.0.0.5:5000"), admin)
        for _ in range(2):
            printing.print_unit_label(unit, printer, admin, fallback_base="http://localhost/")
        assert printing.worker(app).wait_until_idle(20)
        listener.wait_for(2)
        # As a stop would leave them: one cut off mid-send, one never picked up.
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE print_jobs SET state = 'sending' WHERE id = 1"))
            connection.execute(sa.text("UPDATE print_jobs SET state = 'queued' WHERE id = 2"))

        restarted = _test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
        with restarted.app_context():
            assert printing.resume_unfinished() == 2
            printing.worker(restarted).wake()
            assert printing.worker(restarted).wait_until_idle(20)
            db.session.remove()
        assert len(listener.wait_for(4)) == 4
    assert _states() == ["sent", "sent"]
    assert [job.attempts for job in db.session.scalars(sa.select(PrintJob))] == [2, 2]


def test_a_job_on_its_way_cannot_be_queued_twice(app, client, coordinator):
    unit = make_unit()
    with busy_printer() as address:
        printer = printing.add_printer(
            printing.PrinterFields("Zebra", "zpl", address, "", "50x30"), coordinator
        )
        job = printing.print_unit_label(unit, printer, coordinator, fallback_base="http://x/")
        response = post(client, f"/print-jobs/{job.id}/retry", follow_redirects=True)
        assert "This label is on its way to the printer already." in text(response)
        assert printing.worker(app).wait_until_idle(10)
    assert _states() == ["failed"]
