"""A volunteer's unit label: PNG at the printer's resolution, PDF, print page; prints counted."""

import re
from dataclasses import replace
from io import BytesIO

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.helpers import CSRF, PIN, make_unit, make_user
from tests.integration.support import audit_events, database_state, text
from workshop.labels import STOCKS
from workshop.services import settings
from workshop.workflow import Role

MM_PER_PT = 25.4 / 72
STOCK_CSS = re.compile(r'href="(/labels/stocks/[^"]+\.css)"')


@pytest.fixture
def unit(volunteer):
    return make_unit(builder=volunteer)


def decoded(png: bytes) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(Image.open(BytesIO(png)))]


@pytest.mark.parametrize("stock_id", STOCKS)
def test_png_is_at_the_stock_resolution_and_scans_to_the_unit_page(client, unit, stock_id):
    response = client.get(f"/u/{unit.serial}/label.png?stock={stock_id}")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = Image.open(BytesIO(response.data))
    stock = STOCKS[stock_id]
    assert round(image.info["dpi"][0]) == stock.dpi
    assert decoded(response.data) == [f"http://localhost/u/{unit.serial}"]


def test_the_label_points_at_the_address_the_admin_set(client, unit):
    admin = make_user(Role.ADMIN)
    settings.update(replace(settings.current(), label_base_url="http://192.168.1.10:5000/"), admin)
    response = client.get(f"/u/{unit.serial}/label.png?stock=17x54")
    assert decoded(response.data) == [f"http://192.168.1.10:5000/u/{unit.serial}"]


def test_scanned_label_url_opens_the_unit_page(client, unit):
    url = decoded(client.get(f"/u/{unit.serial}/label.png?stock=62x29").data)[0]
    page = client.get(url.removeprefix("http://localhost"))
    assert page.status_code == 200
    assert unit.serial in text(page)


def test_pdf_is_one_page_of_the_label_size_and_counts_a_print(client, unit, volunteer):
    response = client.get(f"/u/{unit.serial}/label.pdf?stock=50x25")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f"{unit.serial}-50x25.pdf" in response.headers["Content-Disposition"]
    pages = PdfReader(BytesIO(response.data)).pages
    assert len(pages) == 1
    box = pages[0].mediabox
    assert (float(box.width) * MM_PER_PT, float(box.height) * MM_PER_PT) == pytest.approx(
        (50, 25), abs=0.01
    )
    assert unit.serial in pages[0].extract_text()
    [event] = audit_events(unit.serial, "unit.label_printed")
    assert (event.user_id, event.after) == (volunteer.id, {"via": "pdf"})


def stock_css(client, page: str) -> str:
    """The stylesheet the print page links for its stock (its size and label places)."""
    match = STOCK_CSS.search(page)
    assert match, "the print page links no stock stylesheet"
    response = client.get(match[1])
    assert response.status_code == 200 and response.mimetype == "text/css"
    return text(response)


def test_print_page_is_sized_to_the_stock_and_counts_a_print(client, unit):
    page = text(client.get(f"/u/{unit.serial}/label/print?stock=62x29"))
    assert "@page { size: 62mm 29mm; margin: 0; }" in stock_css(client, page)
    assert page.count("<svg ") == 1
    assert f'aria-label="{unit.serial}"' in page
    assert '<script src="/static/js/print.js">' in page
    assert [e.after for e in audit_events(unit.serial, "unit.label_printed")] == [
        {"via": "browser"}
    ]


def test_reprints_are_each_on_the_unit_history(client, unit):
    for _ in range(3):
        client.get(f"/u/{unit.serial}/label/print?stock=62x29")
    history = text(client.get(f"/u/{unit.serial}"))
    assert history.count("printed the label") == 3


def test_print_page_without_a_stock_uses_the_workshop_default(client, unit):
    page = text(client.get(f"/u/{unit.serial}/label/print"))
    assert "@page { size: 62mm 29mm; margin: 0; }" in stock_css(client, page)


def test_continuous_stock_page_is_the_layout_length(client, unit):
    page = text(client.get(f"/u/{unit.serial}/label/print?stock=62"))
    assert "@page { size: 62mm 40mm; margin: 0; }" in stock_css(client, page)


def test_a_sheet_stock_places_each_label_by_its_position(client, unit):
    page = text(client.get(f"/u/{unit.serial}/label/print?stock=a4-3x8"))
    assert 'class="label at-1"' in page
    css = stock_css(client, page)
    assert "@page { size: 210mm 297mm; margin: 0; }" in css
    assert css.count(".at-") == 25  # a label that is its own page, and 24 places on a sheet


def test_unit_page_offers_the_label_buttons(client, unit):
    page = text(client.get(f"/u/{unit.serial}"))
    assert f'href="/u/{unit.serial}/label/print"' in page
    assert f'href="/u/{unit.serial}/label.pdf"' in page
    assert all(f'<option value="{stock_id}">' in page for stock_id in STOCKS)


@pytest.mark.parametrize("kind", ["png", "pdf", "print"])
def test_unknown_stock_is_a_clear_404_and_nothing_is_recorded(client, unit, kind):
    path = {"png": "label.png", "pdf": "label.pdf", "print": "label/print"}[kind]
    before = database_state()
    response = client.get(f"/u/{unit.serial}/{path}?stock=99x99")
    assert response.status_code == 404
    assert "There is no label stock “99x99”" in text(response)
    assert "62x29, 62, 17x54, 50x30, 50x25, a4-3x8" in text(response)
    assert database_state() == before


def test_unknown_serial_is_a_clear_404(client, volunteer):
    before = database_state()
    response = client.get("/u/NOPE-2026-00001/label.pdf?stock=62x29")
    assert response.status_code == 404
    assert "No unit has the serial NOPE-2026-00001." in text(response)
    assert database_state() == before


def test_labels_need_a_logged_in_session(app, client):
    unit = make_unit()
    for path in ("label.png", "label.pdf", "label/print"):
        response = client.get(f"/u/{unit.serial}/{path}?stock=62x29")
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert audit_events(unit.serial, "unit.label_printed") == []


def test_an_address_too_long_for_the_tag_is_refused_with_the_reason(app, unit):
    # No address set: labels point where the request came in, here a very long host name.
    client = app.test_client()
    host = {"base_url": "http://" + "a" * 40 + "." + "b" * 37 + ".example:5000"}
    person = make_user(Role.VOLUNTEER)
    token = CSRF.search(text(client.get("/login", **host))).group(1)
    client.post("/login", data={"csrf_token": token, "username": person.name, "pin": PIN}, **host)
    client.post("/language", data={"csrf_token": token, "lang": "en"}, **host)
    before = database_state()
    response = client.get(f"/u/{unit.serial}/label.pdf?stock=17x54", **host)
    assert response.status_code == 400
    assert "too long for a QR code on 17x54 labels" in text(response)
    assert database_state() == before
    assert client.get(f"/u/{unit.serial}/label.pdf?stock=62x29", **host).status_code == 200
