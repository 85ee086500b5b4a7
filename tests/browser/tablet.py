"""What the browser tests share: tablet sizes, the demo accounts, logging in, screenshots."""

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import ConsoleMessage, Page, expect
from pypdf import PdfReader

from workshop.extensions import db
from workshop.models import Unit

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TABLET_PORTRAIT = {"width": 800, "height": 1280}
TABLET_LANDSCAPE = {"width": 1280, "height": 800}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MM_PER_PT = 25.4 / 72
#: The demo accounts that `python -m workshop` prints on a first start.
VOLUNTEER = ("Sokil", "1111")
REVIEWER = ("Lisa", "2222")
ADMIN = ("Koordynator", "3333")


def watch_csp(page: Page) -> list[str]:
    """What the consoles of the page, and of every page it opens, say the
    Content-Security-Policy refused (empty: nothing)."""
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.context.on("console", note)
    return refused


@dataclass(frozen=True)
class LiveServer:
    url: str

    def __call__(self, path: str) -> str:
        return self.url + path


def log_in(page: Page, server: LiveServer, account: tuple[str, str]) -> None:
    """Log in through the login form, as a person at the tablet does."""
    page.goto(server("/login"))
    page.locator("input[name=username]").fill(account[0])
    page.locator("input[name=pin]").fill(account[1])
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".top .user")).to_contain_text(account[0])


def fresh_unit(serial: str) -> Unit:
    """The unit as the database holds it now (not as this thread's session remembers it)."""
    db.session.remove()
    unit = db.session.scalar(db.select(Unit).where(Unit.serial == serial))
    assert unit is not None, serial
    return unit


def demo_unit_at(stage: str) -> Unit:
    """A demo unit (built by the demo volunteer) at `stage`."""
    db.session.remove()
    unit = db.session.scalar(db.select(Unit).where(Unit.stage == stage).order_by(Unit.id))
    assert unit is not None, f"the demo data has no unit at {stage}"
    return unit


def screenshot(page: Page, name: str, full_page: bool = False, down_to: str | None = None) -> Path:
    """Save a README screenshot (overwritten on every run). One test takes each name: the
    browser tests run in parallel workers, and two writing one file would race.

    `down_to` cuts a long page below that element, so the picture shows what matters.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    options: dict = {"path": str(path), "caret": "hide", "animations": "disabled"}
    if down_to:
        box = page.locator(down_to).bounding_box()
        assert box is not None, down_to
        scroll_y = page.evaluate("window.scrollY")
        width = page.viewport_size["width"] if page.viewport_size else 800
        options |= {
            "full_page": True,
            "clip": {
                "x": 0,
                "y": 0,
                "width": width,
                "height": box["y"] + scroll_y + box["height"] + 16,
            },
        }
    else:
        options["full_page"] = full_page
    page.screenshot(**options)
    return path


def text_of(page: Page, selector: str) -> str:
    return re.sub(r"\s+", " ", page.locator(selector).inner_text()).strip()


def count_print_dialogs(page: Page) -> None:
    """Count window.print() calls instead of opening the dialog (headless has none to close)."""
    page.context.add_init_script(
        "window.print = () => { window.printCalls = (window.printCalls || 0) + 1; };"
    )


def printed(page: Page) -> bytes:
    """The page as Chromium prints it: the page size is what the page's CSS @page says."""
    page.emulate_media(media="print")
    return page.pdf(prefer_css_page_size=True, print_background=True)


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's size; Chromium rounds a page to whole points (0.35 mm), so to within that."""
    return [
        (float(p.mediabox.width) * MM_PER_PT, float(p.mediabox.height) * MM_PER_PT)
        for p in PdfReader(BytesIO(pdf)).pages
    ]


def sized(width: float, height: float) -> list:
    return [pytest.approx((width, height), abs=0.36)]


def codes_on(pdf: bytes, dpi: int = 300) -> list[str]:
    found = []
    for page in pypdfium2.PdfDocument(pdf):
        image = page.render(scale=dpi / 72).to_pil().convert("L")
        found += [code.text for code in zxingcpp.read_barcodes(image)]
    return found
