"""A drone's passport at the handover and after: an A5 print page and a PDF with its QR code,
serial, type, dates, firmware, board, golden configuration, bench test, reviewer and care notes,
in the reader's language; the receiving unit's code only when the settings say so; each print
counted on the unit's history."""

from io import BytesIO

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from tests.helpers import (
    csrf_token,
    login,
    make_delivered_unit,
    make_unit,
    make_user,
    post,
    record_passing_run,
    reload,
    required_ids,
)
from tests.integration.support import (
    audit_events,
    database_state,
    decision_form,
    english,
    return_form,
    text,
)
from workshop.services import drone_types, settings
from workshop.services.review import sign_off
from workshop.services.stages import StageInput, finish_stage
from workshop.workflow import Action, Role, Stage

PT_TO_MM = 25.4 / 72
CARE = (
    "Batteries: 6S 1300 mAh, stored at 3.8 V a cell.\n"
    "Video channel R1; props checked before each flight."
)


def _pdf_text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages)


def _with_care_notes(unit) -> None:
    kind = unit.drone_type
    drone_types.save_type(
        kind.id,
        kind.name,
        kind.prefix,
        kind.active,
        [drone_types.BomLine(i.name, i.quantity, i.tracked) for i in kind.bom],
        [drone_types.ChecklistLine(i.stage, i.text, i.required) for i in kind.checklist],
        None,
        care_notes=CARE,
    )


def test_the_passport_pdf_is_a5_with_the_units_facts_and_a_qr_code_of_its_address(
    app, client, coordinator
):
    reviewer = make_user(Role.REVIEWER, name="Lisa")
    unit = make_delivered_unit(reviewer=reviewer, receiver="BRAVO-7")
    _with_care_notes(unit)
    page = text(client.get(f"/u/{unit.serial}"))
    assert "Print passport" in page and f"/u/{unit.serial}/passport.pdf" in page

    response = client.get(f"/u/{unit.serial}/passport.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"{unit.serial}-passport.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(BytesIO(response.data))
    first = reader.pages[0]
    size = (float(first.mediabox.width) * PT_TO_MM, float(first.mediabox.height) * PT_TO_MM)
    assert size == pytest.approx((148, 210), abs=0.1)  # A5 portrait
    words = _pdf_text(response.data)
    for expected in (
        "Drone passport",
        unit.serial,
        unit.drone_type.name,
        "Built",
        "Handed over",
        "Firmware",
        "BTFL",
        "Board and target",
        "Golden configuration",
        "Bench test",
        "Passed",
        "Signed off by",
        "Lisa",
        "Gyro noise, roll",
        "Batteries: 6S 1300 mAh",
        "props checked before each flight",
    ):
        assert expected in words, expected
    # The sheet travels to the front: no receiving unit on it by default.
    assert "BRAVO-7" not in words and "Receiving unit" not in words

    document = pypdfium2.PdfDocument(response.data)
    image = document[0].render(scale=300 / 72).to_pil().convert("L")
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [
        f"http://localhost/u/{unit.serial}"
    ]
    event = audit_events(unit.serial, "unit.passport_printed")[-1]
    assert event.user_id == coordinator.id and event.after == {"via": "pdf"}


def test_the_passport_is_in_ukrainian_unless_the_interface_is_english(app, client):
    unit = make_delivered_unit()
    login(client, make_user())
    words = _pdf_text(client.get(f"/u/{unit.serial}/passport.pdf").data)
    assert "Паспорт дрона" in words and "Пройдено" in words and "Drone passport" not in words
    english(client)
    assert "Drone passport" in _pdf_text(client.get(f"/u/{unit.serial}/passport.pdf").data)


def test_the_receiving_units_code_is_on_the_passport_only_when_the_settings_say_so(
    app, client, coordinator
):
    unit = make_delivered_unit(receiver="BRAVO-7")
    assert "BRAVO-7" not in _pdf_text(client.get(f"/u/{unit.serial}/passport.pdf").data)
    form = {
        "csrf_token": csrf_token(client, "/admin/labels"),
        "default_stock": "62x29",
        "passport_shows_receiver": "y",
        "badge_needs_pin": "y",
    }
    assert client.post("/admin/labels", data=form).status_code == 302
    assert settings.passport_shows_receiver()
    words = _pdf_text(client.get(f"/u/{unit.serial}/passport.pdf").data)
    assert "Receiving unit" in words and "BRAVO-7" in words
    event = audit_events("workshop", "settings.update")[-1]
    assert event.after["passport_shows_receiver"] is True


def test_the_print_page_is_a5_and_each_print_is_counted_on_the_history(app, client, coordinator):
    unit = make_delivered_unit()
    page = text(client.get(f"/u/{unit.serial}/passport"))
    assert 'href="/static/css/passport.css"' in page and "<svg" in page
    assert unit.serial in page and "Drone passport" in page
    assert "<script>" not in page and "style=" not in page  # a strict CSP to come
    client.get(f"/u/{unit.serial}/passport")
    css = client.get("/static/css/passport.css").get_data(as_text=True)
    assert "@page { size: A5 portrait" in css
    prints = audit_events(unit.serial, "unit.passport_printed")
    assert [event.after["via"] for event in prints] == ["browser", "browser"]
    history = text(client.get(f"/u/{unit.serial}"))
    assert history.count("printed the passport") == 2


def test_a_repaired_unit_shows_when_it_was_repaired(app, client, coordinator):

    unit = make_delivered_unit()
    assert post(client, f"/u/{unit.serial}/return", return_form(unit.version)).status_code == 302
    unit = reload(unit)
    assert (
        post(client, f"/u/{unit.serial}/return/repair", decision_form(unit.version)).status_code
        == 302
    )
    repairer = make_user()
    record_passing_run(reload(unit), repairer)
    unit = reload(unit)
    finish_stage(unit, repairer, StageInput(version=unit.version, checked=required_ids(unit)))
    unit = reload(unit)
    sign_off(
        unit,
        make_user(Role.REVIEWER, name="Second"),
        Action.APPROVE,
        StageInput(version=unit.version),
    )
    words = _pdf_text(client.get(f"/u/{unit.serial}/passport.pdf").data)
    assert "Repaired" in words and "Second" in words


@pytest.mark.parametrize("stage", [Stage.KITTING, Stage.REVIEW])
def test_a_unit_never_signed_off_has_no_passport(app, client, coordinator, stage):
    unit = make_unit(at=stage)
    assert "Print passport" not in text(client.get(f"/u/{unit.serial}"))
    before = database_state()
    for path in (f"/u/{unit.serial}/passport", f"/u/{unit.serial}/passport.pdf"):
        response = client.get(path)
        assert response.status_code == 409
        assert "This unit has not been signed off yet, so it has no passport." in text(response)
    assert database_state() == before


def test_care_notes_are_edited_on_the_drone_type_and_a_too_long_one_is_refused(
    app, client, coordinator
):
    unit = make_unit()
    kind = unit.drone_type
    page = text(client.get(f"/admin/types/{kind.id}"))
    assert "Care notes for the passport" in page
    form = {
        "csrf_token": csrf_token(client, f"/admin/types/{kind.id}"),
        "name": kind.name,
        "prefix": kind.prefix,
        "active": "y",
        "bom": drone_types.render_bom(kind),
        **{f"checklist_{s}": t for s, t in drone_types.render_checklists(kind).items()},
        "care_notes": CARE,
    }
    assert client.post(f"/admin/types/{kind.id}", data=form).status_code == 302
    assert reload(unit).drone_type.care_notes == CARE
    before = database_state()
    too_long = client.post(f"/admin/types/{kind.id}", data=form | {"care_notes": "x" * 1501})
    assert too_long.status_code == 400
    assert database_state() == before
