"""Label batches: today's units, a list, a range, lots, places, badges; PDF or print page."""

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
import zxingcpp
from pypdf import PdfReader

from tests.helpers import (
    login,
    make_drone_type,
    make_place,
    make_unit,
    make_user,
    post,
    receive,
    reload,
)
from tests.integration.support import audit_events, database_state, text
from workshop.extensions import db
from workshop.labels import STOCKS, render_bitmap
from workshop.models import User
from workshop.services import accounts, labels
from workshop.services.errors import NotFound
from workshop.workflow import Role


def batch(client, **fields):
    data = {"kind": "today", "stock": "62x29", "start": "1", "output": "pdf"} | fields
    return post(client, "/labels", data)


def pdf_texts(response) -> list[str]:
    assert response.mimetype == "application/pdf", text(response)[:2000]
    return [page.extract_text() for page in PdfReader(BytesIO(response.data)).pages]


def test_todays_units_one_pdf_page_each_and_each_print_counted(client, coordinator):
    today = [make_unit(), make_unit()]
    yesterday = make_unit()
    yesterday.created_at = datetime.now(UTC) - timedelta(days=1, hours=1)
    db.session.commit()
    pages = pdf_texts(batch(client))
    assert [unit.serial in page for unit, page in zip(today, pages, strict=True)] == [True, True]
    assert len(audit_events(action="unit.label_printed")) == 2
    assert audit_events(reload(yesterday).serial, "unit.label_printed") == []


def test_a_list_of_serials_and_scanned_labels_in_the_order_given(client, coordinator):
    first, second = make_unit(), make_unit()
    listed = f"{second.serial}\n http://192.168.1.10:5000/u/{first.serial.lower()} ,{second.serial}"
    pages = pdf_texts(batch(client, kind="list", serials=listed))
    assert len(pages) == 2
    assert second.serial in pages[0] and first.serial in pages[1]


def test_a_list_naming_an_unknown_serial_makes_nothing(client, coordinator):
    unit = make_unit()
    before = database_state()
    response = batch(client, kind="list", serials=f"{unit.serial} T7-2026-09999")
    assert response.status_code == 404
    assert "No unit has the serial T7-2026-09999." in text(response)
    assert database_state() == before


def test_a_range_of_serials_on_an_a4_sheet_from_the_start_position(client, coordinator):
    made = [make_unit() for _ in range(4)]
    response = batch(
        client, kind="range", first=made[1].serial, last=made[3].serial, stock="a4-3x8", start="7"
    )
    [page] = pdf_texts(response)
    assert [unit.serial in page for unit in made] == [False, True, True, True]
    assert len(audit_events(action="unit.label_printed")) == 3


def test_a_range_across_two_drone_types_is_refused(client, coordinator):
    one = make_unit()
    other = make_unit(drone_type=make_drone_type("Q9"))
    response = batch(client, kind="range", first=one.serial, last=other.serial)
    assert response.status_code == 400
    assert "A range stays within one drone type and year" in text(response)


def test_lot_labels_as_a_print_page_hold_the_lot_urls(client, coordinator):
    response = batch(client, kind="lots", lots="esc-lot 2611\nMOTOR/44\n\n", output="print")
    page = text(response)
    assert page.count("<svg ") == 2
    assert "ESC-LOT 2611" in page and "MOTOR/44" in page
    assert audit_events(action="unit.label_printed") == []


def test_lot_label_scans_to_the_lot_address(app):
    [content] = labels.lot_labels("MOTOR/44 A", "http://192.168.1.10:5000")
    image = render_bitmap(content, STOCKS["50x30"])
    assert [f.text for f in zxingcpp.read_barcodes(image.convert("L"))] == [
        "http://192.168.1.10:5000/lots/MOTOR%2F44%20A"
    ]


def test_a_lot_on_the_shelf_gets_its_part_on_its_label(client, coordinator):
    make_drone_type()
    lot = receive("ESC", 8, make_place())
    [content] = labels.lot_labels(lot.code.lower(), "http://192.168.1.10:5000")
    assert content.qr_text == f"http://192.168.1.10:5000/lots/{lot.code}"
    assert content.title == lot.code and content.lines[0] == "ESC"


def test_place_labels_one_per_place_of_the_site_in_tree_order(client, coordinator):
    shelf = make_place("Kyiv workshop/Shelf 1")
    box = make_place("Kyiv workshop/Shelf 1/Box A")
    make_place("Lviv warehouse/Rack 9")
    pages = pdf_texts(batch(client, kind="places", site=str(shelf.site_id)))
    assert len(pages) == 2
    assert "Shelf 1" in pages[0] and shelf.code in pages[0]
    assert "Box A" in pages[1] and box.code in pages[1] and "Rack 9" not in pages[1]
    image = render_bitmap(
        labels.place_label(box, "http://192.168.1.10:5000"), STOCKS["50x30"]
    ).convert("L")
    assert [f.text for f in zxingcpp.read_barcodes(image)] == [
        f"http://192.168.1.10:5000/places/{box.code}"
    ]


def test_badges_for_people_who_have_one_show_name_and_role_not_the_code(client, coordinator):
    volunteer = make_user(Role.VOLUNTEER, name="Сокіл")
    accounts.issue_badge(volunteer.id, coordinator)
    code = db.session.get(User, volunteer.id).badge_code
    response = batch(client, kind="badges", stock="50x30")
    [page] = pdf_texts(response)
    assert "Сокіл" in page and "Volunteer" in page
    assert code not in page
    image_response = batch(client, kind="badges", stock="50x30", output="print")
    assert "Сокіл" in text(image_response)


def test_no_badges_yet_says_so(client, coordinator):
    response = batch(client, kind="badges")
    assert response.status_code == 404
    assert "Nobody has a badge yet" in text(response)


def test_nothing_made_today_says_so(client, coordinator):
    response = batch(client)
    assert response.status_code == 404
    assert "No unit was started on" in text(response)


def test_a4_start_outside_the_sheet_is_refused_by_the_form(client, coordinator):
    make_unit()
    response = batch(client, stock="a4-3x8", start="30")
    assert response.status_code == 400
    assert "Start at position on the sheet" in text(response)


def test_unknown_stock_is_refused(client, coordinator):
    make_unit()
    response = batch(client, stock="99x99")
    assert response.status_code == 400
    assert "Label stock" in text(response)


def test_volunteers_cannot_make_batches(app, client):
    login(client, make_user(Role.VOLUNTEER))
    assert client.get("/labels").status_code == 403


def test_the_batch_page_opens_with_the_default_stock(client, coordinator):
    page = text(client.get("/labels"))
    assert '<option selected value="62x29">' in page
    assert 'name="start"' in page and 'inputmode="numeric"' in page


def test_today_is_the_workshop_calendar_day_not_the_utc_one(app):
    unit = make_unit()
    unit.created_at = datetime(2026, 3, 9, 22, 30, tzinfo=UTC)  # 00:30 on 10 March in Kyiv
    db.session.commit()
    assert [u.serial for u in labels.units_created_on(date(2026, 3, 10))] == [unit.serial]
    with pytest.raises(NotFound):
        labels.units_created_on(date(2026, 3, 9))
