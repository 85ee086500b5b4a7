"""The overview as people use it: open to everyone logged in, its board agreeing with the units
API, each number opening its units, a chart with its table and CSV, the metrics API for
sessions and stations, bad filters refused with nothing changed, and nothing anywhere that
names a receiving unit or a person."""

import io
import re

from pypdf import PdfReader

from tests.helpers import make_user
from tests.integration.coordinators.conftest import RECEIVER
from tests.integration.support import database_state, text
from workshop.extensions import db
from workshop.models import Unit, User
from workshop.services import stations
from workshop.services.figures import CHARTS
from workshop.services.metrics.flow import WIP_STAGES
from workshop.workflow import Role

SPAN = "from=2026-03-02&to=2026-03-08"
TOTALS = re.compile(r'<td>(?:<a class="count"[^>]*>(\d+)</a>|<span class="none">(\d+)</span>)</td>')


def _serial(stage: str) -> str:
    return db.session.scalar(db.select(Unit.serial).where(Unit.stage == stage))


def test_a_volunteer_opens_the_overview_and_its_counts_are_the_units_apis(
    history, client, volunteer
):
    page = text(client.get("/overview/"))
    footer = page[page.index("<tfoot>") : page.index("</tfoot>")]
    totals = [int(a or b) for a, b in TOTALS.findall(footer)]
    listed = client.get("/api/units").get_json()["units"]
    by_stage = [
        sum(1 for u in listed if u["stage"] == stage.value and u["status"] == "active")
        for stage in WIP_STAGES
    ]
    assert totals == by_stage
    assert sum(totals) == 3  # B at the bench test, D at kitting, A returned


def test_the_overview_asks_a_person_to_log_in_first(app, client):
    answer = client.get("/overview/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert client.get("/api/metrics").status_code == 401


def test_a_number_of_the_board_opens_the_units_behind_it(history, client, volunteer):
    page = text(client.get("/overview/units?stage=bench_test"))
    assert _serial("bench_test") in page and _serial("kitting") not in page


def test_a_chart_says_what_it_shows_draws_it_tables_it_and_downloads_its_csv(
    history, client, volunteer
):
    page = text(client.get(f"/overview/charts/throughput?{SPAN}"))
    assert "4 started, 1 delivered, 1 scrapped." in page  # the sentence under its title
    assert "<svg" in page and "<table" in page
    csv = client.get(f"/overview/charts/throughput.csv?{SPAN}")
    assert csv.mimetype == "text/csv"
    assert "throughput-2026-03-02-2026-03-08.csv" in csv.headers["Content-Disposition"]
    rows = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[1:] == ["2026-03-02,4,1,1"]


def test_the_metrics_api_answers_a_station_with_the_spans_figures(history, client):
    _row, token = stations.create_token("Bench 1", make_user(Role.ADMIN))
    answer = client.get(f"/api/metrics?{SPAN}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    figures = answer.get_json()
    assert figures["wip"]["bench_test"] == 1 and figures["wip"]["kitting"] == 1
    assert figures["throughput"] == [
        {"week": "2026-03-02", "until": "2026-03-08", "started": 4, "delivered": 1, "scrapped": 1}
    ]
    assert figures["first_pass_yield"]["stages"]["soldering"] == {
        "units": 3,
        "passed": 2,
        "share": 0.6667,
    }
    assert figures["first_pass_yield"]["rolled"] == 0.4444
    assert figures["rework_reasons"] == [
        {"reason": "cold_joint", "count": 1, "sent_back_to": {"soldering": 1}}
    ]
    assert figures["cycle_time"]["review"] == {"stays": 1, "median_hours": 20.0, "p90_hours": 20.0}
    assert figures["lead_time"] == {"units": 1, "median_days": 2.125, "p90_days": 2.125}


def test_bad_dates_are_refused_with_the_problem_named_and_nothing_changed(
    history, client, volunteer
):
    before = database_state()
    answers = {
        "from=2026-13-01": "from: a day as YYYY-MM-DD",
        "from=2026-03-08&to=2026-03-02": "the span ends before it starts",
        "from=1900-01-01": "from: a day from the year 2000 to 2100",
        "from=2020-01-01&to=2026-01-01": "a span of at most 731 days",
        "site=Kyiv": "site: Not a valid choice",
        "site=99999999999999999999": "site: Not a valid choice",
    }
    for query, problem in answers.items():
        answer = client.get(f"/api/metrics?{query}")
        assert answer.status_code == 400, query
        assert problem in answer.get_json()["error"], query
    page = client.get("/overview/charts/throughput?from=yesterday")
    assert page.status_code == 400 and "a day as YYYY-MM-DD" in text(page)
    assert client.get("/overview/charts/throughput.csv?to=2026-02-30").status_code == 400
    assert client.get("/overview/report?month=March").status_code == 400
    assert client.get("/overview/units?stage=delivered").status_code == 400
    assert client.get("/overview/charts/nothing").status_code == 404
    assert client.get("/overview/charts/parts-consumed?site=4").status_code == 400
    assert database_state() == before


def test_nothing_the_overview_shows_names_a_receiving_unit_or_a_person(history, client, volunteer):
    # Who built, reviewed and handed over; the person logged in is named in the menu.
    names = list(db.session.scalars(db.select(User.name).where(User.id != volunteer.id)))
    pages = ["/overview/", f"/api/metrics?{SPAN}", "/overview/report?month=2026-03"]
    for key in CHARTS:
        pages += [f"/overview/charts/{key}?{SPAN}", f"/overview/charts/{key}.csv?{SPAN}"]
    for path in pages:
        answer = client.get(path)
        assert answer.status_code == 200, path
        shown = text(answer)
        assert RECEIVER not in shown, path
        assert not [name for name in names if name in shown], path

    pdf = client.get("/overview/report.pdf?month=2026-03")
    assert pdf.mimetype == "application/pdf"
    words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Mar 2026" in words and "T7" in words  # the report read back is the month's
    assert RECEIVER not in words
    assert not [name for name in names if name in words]
