"""Scanning on the tablet: a scanner typing on any page, the camera's photo fallback decoded by
the vendored zxing-wasm (served by the app itself), and a badge scanned at the login page."""

from io import BytesIO
from pathlib import Path

import pytest
import qrcode
from PIL import Image
from playwright.sync_api import BrowserType, Page, Request, expect

from tests.browser.tablet import (
    ADMIN,
    CHROMIUM_ARGS,
    TABLET_PORTRAIT,
    VOLUNTEER,
    demo_unit_at,
    log_in,
    screenshot,
    watch_csp,
)
from workshop.extensions import db
from workshop.models import User
from workshop.services import accounts

pytestmark = pytest.mark.browser


def _watch_requests(page: Page) -> list[str]:
    """Every URL the page asks for, to prove nothing is fetched from outside the app."""
    seen: list[str] = []

    def note(request: Request) -> None:
        seen.append(request.url)

    page.on("request", note)
    return seen


def type_as_a_keyboard(page: Page, text: str) -> None:
    """Key presses as a keyboard sends them, whatever the layout: Playwright's own `type` pastes
    characters a US keyboard lacks without a key event, which a scanner never does."""
    cdp = page.context.new_cdp_session(page)
    for character in text:
        cdp.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": character, "text": character})
        cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": character})
    cdp.detach()


def _qr_photo(tmp_path: Path, text: str) -> Path:
    """A photo of a label as a phone takes it: the QR code small in a larger, grey frame."""
    code = qrcode.make(text, box_size=6, border=4).get_image().convert("L")
    photo = Image.new("L", (code.width * 3, code.height * 2), 170)
    photo.paste(code, (code.width, code.height // 2))
    buffer = BytesIO()
    photo.save(buffer, "PNG")
    path = tmp_path / "label-photo.png"
    path.write_bytes(buffer.getvalue())
    return path


def test_a_scanner_typing_on_any_page_opens_the_unit(page: Page, live_server):
    first = demo_unit_at("kitting")
    first_serial, item_id = first.serial, first.drone_type.bom[0].id
    second_serial = demo_unit_at("soldering").serial
    log_in(page, live_server, VOLUNTEER)

    # On a unit page nothing has the focus: the scanner's keys reach no field at all.
    page.goto(live_server(f"/u/{first_serial}"))
    screenshot(page, "scan-anywhere", down_to=".unit-head")
    page.keyboard.type(f"http://192.168.1.20:5000/u/{second_serial}")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server(f"/u/{second_serial}"))
    expect(page.locator("h1.serial")).to_have_text(second_serial)

    # A bin's page, and a scanner set to a Ukrainian layout: the serial's letters come in Cyrillic.
    page.goto(live_server(f"/bins/{item_id}"))
    damaged = first_serial.translate(str.maketrans("FPVQXT", "АЗМЙЧЕ"))
    type_as_a_keyboard(page, damaged)
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server(f"/u/{first_serial}"))


def test_a_scan_into_a_focused_field_is_left_to_that_field(page: Page, live_server, t):
    unit = demo_unit_at("kitting")
    serial, first = unit.serial, next(i.name for i in unit.drone_type.bom if i.tracked)
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}"))

    # A part's code scanned into the part field records the part; it is not a scan to open.
    page.locator("input[name=part-code]").first.click()
    page.keyboard.type("FC-405-A0193")
    page.keyboard.press("Enter")

    expect(page.locator("#kitting-message")).to_have_text(
        t("Part recorded: %(part)s, %(code)s.", part=first, code="FC-405-A0193")
    )
    expect(page).to_have_url(live_server(f"/u/{serial}"))


def test_the_photo_fallback_decodes_a_label_photo_with_the_apps_own_zxing(
    page: Page, live_server, tmp_path: Path
):
    serial = demo_unit_at("flashing").serial
    requests = _watch_requests(page)
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server("/parts"))

    page.locator("#scan-photo").set_input_files(
        _qr_photo(tmp_path, f"http://192.168.1.20:5000/u/{serial}")
    )

    expect(page).to_have_url(live_server(f"/u/{serial}"))
    expect(page.locator("h1.serial")).to_have_text(serial)
    assert live_server("/static/vendor/zxing-wasm/zxing_reader.wasm") in requests
    assert all(url.startswith(live_server.url) for url in requests), [
        url for url in requests if not url.startswith(live_server.url)
    ]


def test_a_photo_without_a_code_says_so(page: Page, live_server, tmp_path: Path, t):
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server("/parts"))
    blank = tmp_path / "blank.png"
    Image.new("L", (300, 200), 200).save(blank)

    page.locator("#scan-photo").set_input_files(blank)

    expect(page.locator("#scan-message")).to_have_text(
        t("No QR code found in the photo. Take it again, closer and in good light.")
    )
    expect(page).to_have_url(live_server("/parts"))


def test_a_badge_scanned_at_the_login_page_asks_the_pin_and_logs_in(page: Page, live_server, t):
    db.session.remove()
    volunteer = db.session.scalar(db.select(User).where(User.name == VOLUNTEER[0]))
    admin = db.session.scalar(db.select(User).where(User.name == ADMIN[0]))
    code = accounts.issue_badge(volunteer.id, admin).badge_code
    page.goto(live_server("/login"))

    page.keyboard.type(f"http://192.168.1.20:5000/badge/{code}")
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text(t("Badge of %(name)s", name=VOLUNTEER[0]))
    expect(page.locator("input[name=pin]")).to_be_focused()
    screenshot(page, "badge-pin")
    page.keyboard.type(VOLUNTEER[1])
    page.keyboard.press("Enter")
    expect(page.locator(".top .user")).to_contain_text(VOLUNTEER[0])
    expect(page).to_have_url(live_server("/"))


def _camera_video(tmp_path: Path, text: str) -> Path:
    """What Chromium's fake camera shows: a label's QR code, as raw YUV 4:2:0 video (y4m)."""
    frame = Image.open(_qr_photo(tmp_path, text)).convert("RGB").resize((640, 480))
    y, cb, cr = frame.convert("YCbCr").split()
    chroma = (320, 240)
    picture = y.tobytes() + cb.resize(chroma).tobytes() + cr.resize(chroma).tobytes()
    path = tmp_path / "camera.y4m"
    header = b"YUV4MPEG2 W640 H480 F5:1 Ip A1:1 C420jpeg\n"
    path.write_bytes(header + (b"FRAME\n" + picture) * 5)
    return path


def test_the_camera_reads_a_label_live(
    browser_type: BrowserType, browser_type_launch_args: dict, live_server, tmp_path: Path
):
    serial = demo_unit_at("bench_test").serial
    video = _camera_video(tmp_path, f"http://192.168.1.20:5000/u/{serial}")
    camera = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",  # the camera permission granted without a prompt
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = browser_type.launch(**(browser_type_launch_args | {"args": CHROMIUM_ARGS + camera}))
    try:
        page = browser.new_page(viewport=TABLET_PORTRAIT)
        refused = watch_csp(page)
        log_in(page, live_server, VOLUNTEER)
        page.goto(live_server("/parts"))

        page.locator("#scan-button").click()

        expect(page).to_have_url(live_server(f"/u/{serial}"))
        expect(page.locator("h1.serial")).to_have_text(serial)
        assert refused == []
    finally:
        browser.close()
