"""Workshop settings an admin sets in the app: typed accessors with defaults, and one update."""

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.labels import STOCKS, LabelContent
from workshop.labels.layouts import place
from workshop.labels.qr import CodeTooLong
from workshop.models import Printer, Setting, User
from workshop.services import audit
from workshop.services.errors import Invalid

#: The stock a label is made on when nobody chose one: the common Brother QL die-cut label.
DEFAULT_STOCK = "62x29"
#: A QR code grows with its text; a short base URL keeps the smallest label readable.
BASE_URL_MAX = 100
#: The longest unit path a label carries: an 8-character prefix, the year, the number.
LONGEST_UNIT_PATH = "/u/WWWWWWWW-2026-00000"


@dataclass(frozen=True)
class WorkshopSettings:
    """Every setting at once, as the admin page shows and saves them."""

    label_base_url: str | None = None
    default_stock_id: str = DEFAULT_STOCK
    auto_print: bool = False
    default_printer_id: int | None = None
    badge_needs_pin: bool = True
    passport_shows_receiver: bool = False


def _text(key: str) -> str | None:
    row = db.session.get(Setting, key)
    return row.value if row else None


def _flag(key: str, default: bool) -> bool:
    value = _text(key)
    return default if value is None else value == "1"


def label_base_url() -> str | None:
    """The address tablets reach the app at, e.g. http://192.168.1.10:5000; None when unset."""
    return _text("label_base_url") or None


def default_stock_id() -> str:
    stock_id = _text("default_stock_id")
    # A stock removed from the code since it was chosen falls back rather than breaking labels.
    return stock_id if stock_id in STOCKS else DEFAULT_STOCK


def auto_print() -> bool:
    """Whether a new unit's label goes to the default printer the moment the unit is created."""
    return _flag("auto_print", False)


def default_printer_id() -> int | None:
    value = _text("default_printer_id")
    return int(value) if value and value.isdigit() else None


def badge_needs_pin() -> bool:
    """Whether a scanned badge also asks for the person's PIN (it does unless the admin says no)."""
    return _flag("badge_needs_pin", True)


def passport_shows_receiver() -> bool:
    """Whether a unit's passport names the receiving unit (it does not unless the admin says:
    the sheet travels to the front with the drone)."""
    return _flag("passport_shows_receiver", False)


def current() -> WorkshopSettings:
    return WorkshopSettings(
        label_base_url=label_base_url(),
        default_stock_id=default_stock_id(),
        auto_print=auto_print(),
        default_printer_id=default_printer_id(),
        badge_needs_pin=badge_needs_pin(),
        passport_shows_receiver=passport_shows_receiver(),
    )


def clean_base_url(text: str | None) -> str | None:
    """The base URL without a trailing slash, or None for an empty one; Invalid when it is not
    an http(s) address a tablet could open."""
    text = (text or "").strip().rstrip("/")
    if not text:
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - reading it validates the port number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or len(text) > BASE_URL_MAX
    ):
        raise Invalid(
            _l(
                "The label address must look like http://192.168.1.10:5000 "
                "(http or https, a host, at most %(max)d characters).",
                max=BASE_URL_MAX,
            )
        )
    for stock in STOCKS.values():
        try:
            place(LabelContent(qr_text=text + LONGEST_UNIT_PATH, title=""), stock)
        except CodeTooLong:
            raise Invalid(
                _l(
                    "The label address is too long for the QR code on %(stock)s labels. "
                    "Use the computer's IP address rather than a long name.",
                    stock=stock.id,
                )
            ) from None
    return text


def update(new: WorkshopSettings, actor: User) -> WorkshopSettings:
    """Save every setting that changed, with one audit event; nothing is saved if one is wrong."""
    new = WorkshopSettings(**(asdict(new) | {"label_base_url": clean_base_url(new.label_base_url)}))
    if new.default_stock_id not in STOCKS:
        raise Invalid(_l("Unknown label stock."))
    if new.default_printer_id is not None:
        printer = db.session.get(Printer, new.default_printer_id)
        if printer is None or not printer.active:
            raise Invalid(_l("There is no such printer."))
    if new.auto_print and new.default_printer_id is None:
        raise Invalid(_l("Auto-print needs a default printer."))
    old = current()
    before, after = asdict(old), asdict(new)
    changed = [key for key in after if after[key] != before[key]]
    if not changed:
        return old
    for key in changed:
        _store(key, after[key])
    audit.record(
        actor,
        "settings.update",
        "settings",
        "workshop",
        {key: before[key] for key in changed},
        {key: after[key] for key in changed},
    )
    db.session.commit()
    return new


def forget_printer(printer_id: int) -> None:
    """Within the caller's transaction: a removed printer is no longer the default, and auto-print
    (which needs one) stops."""
    if default_printer_id() == printer_id:
        _store("default_printer_id", None)
        _store("auto_print", False)


def _store(key: str, value: str | int | bool | None) -> None:
    row = db.session.get(Setting, key)
    if value is None:
        if row is not None:
            db.session.delete(row)
        return
    text = ("1" if value else "0") if isinstance(value, bool) else str(value)
    if row is None:
        db.session.add(Setting(key=key, value=text))
    else:
        row.value = text
