"""The run page says limits, details, values and units in the reader's language: firmware_checks
sends them as data, the app's catalogs word them."""

import re
from html.parser import HTMLParser

import sqlalchemy as sa

from firmware_checks.simulator import diff_all_text
from tests.helpers import login, make_unit, make_user
from tests.integration.fc.runs import start_from_page, stored
from tests.integration.support import csrf_token, text
from workshop.extensions import db
from workshop.models import BenchMeasurement
from workshop.services import bench_runs, drone_types, fc_config
from workshop.services.drone_types import BomLine, ChecklistLine
from workshop.workflow import WORK_STAGES, Role, Stage

#: Words firmware_checks writes in English; none may reach the Ukrainian run page.
ENGLISH_LIMITS = (
    "one of BTFL",
    "includes gyro",
    "only allowed flags",
    "&lt;= ",
    "&gt;= ",
    "deg/s",
    "V/cell",
    "USB only",
    "samples at rest",
    "standard deviation",
    "True",
    "False",
    "differences",
)


def _language(client, lang: str) -> None:
    response = client.post("/language", data={"csrf_token": csrf_token(client), "lang": lang})
    assert response.status_code == 302


def _rows(page: str) -> dict[str, str]:
    """Each measurement's row of the run page, by its name, as text without tags."""
    rows = re.findall(r'<tr class="(?:ok|bad)" data-name="([^"]+)">(.*?)</tr>', page, re.S)
    return {name: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for name, row in rows}


def test_a_bench_test_reads_in_ukrainian_with_no_english_limit_text(client, volunteer, sim_port):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    run = stored(start_from_page(client, unit.serial, "bench", sim_port("noisy_gyro").id))
    _language(client, "uk")

    page = text(client.get(f"/runs/{run.id}"))

    rows = _rows(page)
    assert "одне з: BTFL, INAV" in rows["firmware_variant"]
    assert "містить: гіроскоп, акселерометр" in rows["sensors"]
    assert "лише дозволені прапорці" in rows["arming_flags"]
    assert "≤ 2 °/с" in rows["gyro_noise_x"]
    assert "стандартне відхилення за 50 вимірами в спокої" in rows["gyro_noise_x"]
    assert "лише USB (нижче 1 В) або 3.50–4.35 В на банку" in rows["battery"]
    assert "4S, 4.05 В на банку" in rows["battery"]
    assert "≤ 10 °" in rows["attitude_tilt"]
    measurements = page[page.index('id="fc-measurements"') :]
    measurements = measurements[: measurements.index("</table>")]
    assert [words for words in ENGLISH_LIMITS if words in measurements] == []
    rework = re.search(r'<textarea[^>]*name="fail-text"[^>]*>\s*([^<]*)</textarea>', page)
    assert rework and "Шум гіроскопа, крен: " in rework.group(1)
    assert "(норма ≤ 2 °/с)" in rework.group(1) and "deg/s" not in rework.group(1)


def test_the_same_run_reads_in_english_as_firmware_checks_words_it(client, volunteer, sim_port):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    run = stored(start_from_page(client, unit.serial, "bench", sim_port("noisy_gyro").id))

    rows = _rows(text(client.get(f"/runs/{run.id}")))

    assert "one of BTFL, INAV" in rows["firmware_variant"]
    assert "includes gyro, accelerometer" in rows["sensors"]
    assert "&lt;= 2 deg/s" in rows["gyro_noise_x"]
    assert "standard deviation over 50 samples at rest" in rows["gyro_noise_x"]
    assert "USB only (&lt; 1 V) or 3.50-4.35 V/cell" in rows["battery"]
    # Each stored row keeps its English words next to the structure they came from.
    gyro = next(m for m in run.measurements if m.name == "gyro_noise_x")
    assert gyro.limit == "<= 2" and gyro.limit_spec == {
        "kind": "at_most",
        "values": [2.0],
        "unit": "deg/s",
    }


def test_true_and_false_read_as_yes_and_no(client, volunteer, sim_port):
    unit = make_unit(builder=volunteer, at=Stage.FLASHING)
    fc_config.save_golden(
        unit.drone_type, diff_all_text("healthy"), ["mcu_id"], "pasted", volunteer
    )
    port = sim_port("config_drift")
    stored(start_from_page(client, unit.serial, "identity", port.id))
    uid = bench_runs.bound_board(unit).uid
    run = stored(start_from_page(client, unit.serial, "apply", port.id, board=uid, confirm="y"))

    english = _rows(text(client.get(f"/runs/{run.id}")))
    _language(client, "uk")
    ukrainian = _rows(text(client.get(f"/runs/{run.id}")))

    assert "Saved Yes Yes" in english["saved"]
    assert "Так Так" in ukrainian["saved"] and "True" not in ukrainian["saved"]


def test_a_row_stored_before_limits_had_a_structure_shows_its_words(client, volunteer, sim_port):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    run = stored(start_from_page(client, unit.serial, "bench", sim_port("noisy_gyro").id))
    db.session.execute(sa.update(BenchMeasurement).values(limit_spec=None, detail_spec=None))
    db.session.commit()
    _language(client, "uk")

    rows = _rows(text(client.get(f"/runs/{run.id}")))

    assert "&lt;= 2 deg/s" in rows["gyro_noise_x"]  # the words as stored, shown as before
    assert "standard deviation over 50 samples at rest" in rows["gyro_noise_x"]


class _MainText(HTMLParser):
    """The words a reader sees in <main>, without scripts, and without what the board itself
    said: its configuration lines (.fc-diff) and its codes (.code)."""

    VOID = frozenset({"br", "img", "input", "hr", "meta", "link", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        #: Per open element: (it is <main>, its text is left out).
        self._open: list[tuple[bool, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        left_out = tag in ("script", "style") or "fc-diff" in classes or "code" in classes
        self._open.append((tag == "main", left_out))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        in_main = any(is_main for is_main, _ in self._open)
        if in_main and not any(left_out for _, left_out in self._open):
            self.words += data.split()


#: Latin-script words a Ukrainian page may show: codes and names that are the same in every
#: language. Serials, board ids, targets, flags and firmware names are written in capitals.
LATIN = re.compile(r"[A-Za-z]+")
CODE_LIKE = re.compile(r"^[A-Z0-9_]+$")
ALLOWED_WORDS = frozenset({"Betaflight", "sim"})  # firmware, and a simulated port's scheme


def latin_words(page: str) -> list[str]:
    """Latin words of the page's <main> that are not codes: each one an untranslated word."""
    parser = _MainText()
    parser.feed(page)
    found = []
    for word in parser.words:
        word = re.sub(r"[a-z]+://\S+", "", word)  # an address (a port's URL) is a code
        found += [
            w for w in LATIN.findall(word) if not CODE_LIKE.match(w) and w not in ALLOWED_WORDS
        ]
    return found


def test_the_ukrainian_run_and_review_pages_show_no_latin_word_but_codes(client, sim_port):
    # People and drone types named as a Ukrainian workshop names them: what is left in Latin
    # letters is the interface's, or a code.
    bom = [BomLine("Рама"), BomLine("Польотний контролер", 1, True)]
    checklists = [ChecklistLine(stage.value, f"Крок {n}") for n, stage in enumerate(WORK_STAGES)]
    kind = drone_types.save_type(None, 'ФПВ 7"', "UA7", True, bom, checklists, None)
    volunteer, reviewer = make_user(name="Сокіл"), make_user(Role.REVIEWER, name="Ліса")
    login(client, volunteer)
    failing = make_unit(kind, volunteer, at=Stage.BENCH_TEST)
    run = stored(start_from_page(client, failing.serial, "bench", sim_port("noisy_gyro").id))
    waiting = make_unit(kind, volunteer, at=Stage.REVIEW)
    _language(client, "uk")

    run_page = text(client.get(f"/runs/{run.id}"))
    assert "поза нормою" in run_page and 'name="fail-text"' in run_page  # the rework note too
    assert latin_words(run_page) == []
    login(client, reviewer)
    review_page = text(client.get(f"/review/{waiting.serial}"))
    assert 'id="fc-evidence"' in review_page
    assert latin_words(review_page) == []


def test_the_latin_word_check_finds_english_left_in_a_page():
    page = (
        '<html><body><header>English</header><main><p>Шум: 5 deg/s</p><p class="code">ab12cd</p>'
        "<p>одне з: BTFL, INAV · FPV7-2026-00001 · sim://healthy · True</p></main></body></html>"
    )
    assert latin_words(page) == ["deg", "s", "True"]
