"""Label printers the admin configures, and print jobs: each a row with its state, sent by the
print worker (services.print_worker, made by worker() here), so a failed label says why and is
retried with one tap."""

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app
from flask_babel import LazyString, force_locale, get_locale
from flask_babel import lazy_gettext as _l

from workshop import labels as label_rendering
from workshop.extensions import db
from workshop.labels import printers
from workshop.labels.printers import PrinterError
from workshop.models import Lot, Place, Printer, PrintJob, Unit, User
from workshop.models.timestamps import utcnow
from workshop.services import audit, labels, places, recall, settings, units
from workshop.services.errors import Invalid, NotFound, ServiceError
from workshop.services.print_worker import PrintWorker

NAME_MAX = 64
JOBS_SHOWN = 30

_REASONS: dict[str, LazyString] = {
    "refused": _l(
        "Printer %(address)s refused the connection. Is it switched on, and is the address right?"
    ),
    "timeout": _l(
        "Printer %(address)s did not answer in time. Is it switched on and on the network?"
    ),
    "unreachable": _l("Printer %(address)s cannot be reached: %(detail)s."),
    "no_device": _l(
        "No printer answers at %(address)s (%(detail)s). Is it plugged in and switched on?"
    ),
    "printer_error": _l("The printer at %(address)s reported a problem: %(detail)s."),
    "bad_address": _l(
        "The printer address %(address)s cannot be used. Write tcp://192.168.1.20:9100 for a "
        "network printer; a Brother QL on this computer's USB is usb://0x04f9:0x209b."
    ),
    "unknown_model": _l("Unknown Brother QL model: %(detail)s."),
    "unsupported_stock": _l("This printer cannot print on that label stock (%(detail)s)."),
    "unknown_kind": _l("Unknown kind of printer."),
}


def explain(error: PrinterError) -> str:
    """The reason in the person's language."""
    return str(_REASONS[error.reason]) % {"address": error.address, "detail": error.detail}


@dataclass(frozen=True)
class PrinterFields:
    """What the admin types for a printer."""

    name: str
    kind: str
    address: str
    model: str
    stock_id: str
    dpi: int | None = None


# Printers ---------------------------------------------------------------------------------


def active_printers() -> list[Printer]:
    return list(db.session.scalars(sa.select(Printer).where(Printer.active).order_by(Printer.name)))


def get_printer(printer_id: int) -> Printer:
    printer = db.session.get(Printer, printer_id)
    if printer is None or not printer.active:
        raise NotFound(_l("There is no such printer."))
    return printer


def _checked(fields: PrinterFields, printer_id: int | None) -> PrinterFields:
    name = fields.name.strip()
    if not name or len(name) > NAME_MAX:
        raise Invalid(_l("A printer needs a name of 1 to 64 characters."))
    if fields.kind not in printers.KINDS:
        raise Invalid(_l("Unknown kind of printer."))
    if fields.stock_id not in label_rendering.STOCKS:
        raise Invalid(_l("Unknown label stock."))
    if fields.dpi is not None and not 100 <= fields.dpi <= 600:
        raise Invalid(_l("A printer's resolution is 100 to 600 dots per inch."))
    model = fields.model.strip() if fields.kind == "brother_ql" else ""
    if fields.kind == "brother_ql" and not model:
        raise Invalid(_l("Choose the Brother QL model: it decides what the printer is sent."))
    try:
        address = printers.check(fields.kind, fields.address.strip(), model, fields.stock_id)
    except PrinterError as error:
        raise Invalid(explain(error)) from None
    clash = db.session.scalar(
        sa.select(Printer).where(Printer.active, Printer.name == name, Printer.id != printer_id)
    )
    if clash is not None:
        raise Invalid(_l("A printer is already called %(name)s.", name=name))
    dpi = fields.dpi if fields.kind == "zpl" else None
    return PrinterFields(name, fields.kind, address, model, fields.stock_id, dpi)


def _snapshot(printer: Printer) -> dict[str, str | int | bool | None]:
    return {
        "name": printer.name,
        "kind": printer.kind,
        "address": printer.address,
        "model": printer.model,
        "stock": printer.stock_id,
        "dpi": printer.dpi,
        "active": printer.active,
    }


def add_printer(fields: PrinterFields, actor: User) -> Printer:
    fields = _checked(fields, None)
    printer = Printer(
        name=fields.name,
        kind=fields.kind,
        address=fields.address,
        model=fields.model,
        stock_id=fields.stock_id,
        dpi=fields.dpi,
    )
    db.session.add(printer)
    db.session.flush()
    audit.record(actor, "printer.create", "printer", printer.id, None, _snapshot(printer))
    db.session.commit()
    return printer


def update_printer(printer_id: int, fields: PrinterFields, actor: User) -> Printer:
    printer = get_printer(printer_id)
    fields = _checked(fields, printer_id)
    before = _snapshot(printer)
    printer.name, printer.kind, printer.address = fields.name, fields.kind, fields.address
    printer.model, printer.stock_id, printer.dpi = fields.model, fields.stock_id, fields.dpi
    audit.record(actor, "printer.update", "printer", printer.id, before, _snapshot(printer))
    db.session.commit()
    return printer


def remove_printer(printer_id: int, actor: User) -> None:
    """No longer offered; kept so its jobs keep their history."""
    printer = get_printer(printer_id)
    before = _snapshot(printer)
    printer.active = False
    settings.forget_printer(printer.id)
    audit.record(actor, "printer.remove", "printer", printer.id, before, _snapshot(printer))
    db.session.commit()


# Print jobs -------------------------------------------------------------------------------
# A request only queues a job (a row, committed) and wakes the print worker; the worker sends
# it (send_next) with no request waiting, and the print jobs page shows how it went.


def _timeout() -> float:
    return float(current_app.config["PRINTER_TIMEOUT_SECONDS"])


def _queue(what: str, subject: str, printer: Printer, actor: User, label_base: str) -> PrintJob:
    job = PrintJob(
        what=what,
        subject=subject,
        stock_id=printer.stock_id,
        printer=printer,
        created_by_id=actor.id,
        label_base=label_base[:200],
        locale=str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        actor, "print_job.queue", "print_job", job.id, None, {"what": what, "subject": subject}
    )
    db.session.commit()
    worker().wake()
    return job


def print_unit_label(unit: Unit, printer: Printer, actor: User, *, fallback_base: str) -> PrintJob:
    """Queue the unit's label for the printer; a sent label counts on the unit's history.

    `fallback_base` is where labels point when the admin set no address (this request's root).
    """
    return _queue("unit", unit.serial, printer, actor, fallback_base)


def print_lot_label(lot: Lot, printer: Printer, actor: User, *, fallback_base: str) -> PrintJob:
    """Queue the lot's label for the printer."""
    return _queue("lot", lot.code, printer, actor, fallback_base)


def print_place_label(
    place: Place, printer: Printer, actor: User, *, fallback_base: str
) -> PrintJob:
    """Queue the place's label for the printer."""
    return _queue("place", place.code, printer, actor, fallback_base)


def retry(job_id: int, actor: User, *, fallback_base: str) -> PrintJob:
    """Queue a failed job again, for the same printer."""
    job = db.session.get(PrintJob, job_id, options=[so.joinedload(PrintJob.printer)])
    if job is None:
        raise NotFound(_l("There is no such print job."))
    if job.state == "sent":
        raise Invalid(_l("This label was printed already; print it again from its page."))
    if job.state != "failed":
        raise Invalid(_l("This label is on its way to the printer already."))
    if not job.printer.active:
        raise Invalid(_l("That printer was removed; print the label on another one."))
    job.stock_id = job.printer.stock_id  # the stock loaded now, if it was changed since
    job.state, job.error = "queued", ""
    job.label_base = fallback_base[:200]
    job.locale = str(get_locale() or job.locale)
    audit.record(actor, "print_job.retry", "print_job", job.id, None, {"attempts": job.attempts})
    db.session.commit()
    worker().wake()
    return job


def default_printer() -> Printer | None:
    """The workshop's default printer, while it is still offered."""
    printer_id = settings.default_printer_id()
    printer = db.session.get(Printer, printer_id) if printer_id is not None else None
    return printer if printer is not None and printer.active else None


def auto_print_new_unit(unit: Unit, actor: User, *, fallback_base: str) -> PrintJob | None:
    """When the workshop auto-prints, queue a just-created unit's label for the default
    printer."""
    printer = default_printer()
    if not settings.auto_print() or printer is None:
        return None
    return print_unit_label(unit, printer, actor, fallback_base=fallback_base)


def auto_print_lots(lots: list[Lot], actor: User, *, fallback_base: str) -> list[PrintJob]:
    """A new lot's label goes to the default printer, where the workshop has one: the parts
    are labelled on the spot, before they reach the shelf."""
    printer = default_printer()
    if printer is None:
        return []
    return [print_lot_label(lot, printer, actor, fallback_base=fallback_base) for lot in lots]


def queued_jobs() -> int:
    """How many jobs wait for the worker."""
    db.session.rollback()  # a fresh look, not this session's last one
    return (
        db.session.scalar(sa.select(sa.func.count(PrintJob.id)).where(PrintJob.state == "queued"))
        or 0
    )


def resume_unfinished() -> int:
    """At the app's start: a job a stop cut off mid-send is queued again (a label printed twice
    is better than one never printed); how many jobs wait."""
    db.session.execute(
        sa.update(PrintJob).where(PrintJob.state == "sending").values(state="queued")
    )
    db.session.commit()
    return queued_jobs()


def _claim_next() -> int | None:
    """The oldest queued job, marked "sending" so no other worker takes it; its id."""
    while True:
        job_id = db.session.scalar(
            sa.select(PrintJob.id).where(PrintJob.state == "queued").order_by(PrintJob.id)
        )
        if job_id is None:
            return None
        claimed = db.session.execute(
            sa.update(PrintJob)
            .where(PrintJob.id == job_id, PrintJob.state == "queued")
            .values(state="sending", attempts=PrintJob.attempts + 1)
        )
        db.session.commit()
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return job_id


def send_next() -> bool:
    """Send the oldest queued job and record how it went; False when none waits."""
    job_id = _claim_next()
    if job_id is None:
        return False
    job = db.session.get(PrintJob, job_id, options=[so.joinedload(PrintJob.printer)])
    assert job is not None
    with force_locale(job.locale):
        error = _deliver(job)
        job = db.session.get(PrintJob, job_id, options=[so.joinedload(PrintJob.printer)])
        assert job is not None
        if error is None:
            job.state, job.error, job.sent_at = "sent", "", utcnow()
        else:
            job.state, job.error = "failed", error[:500]
        after = {"state": job.state, "attempts": job.attempts, "printer": job.printer.name}
        after |= {"error": job.error} if job.error else {}
        actor = job.created_by
        audit.record(actor, f"print_job.{job.state}", "print_job", job.id, None, after)
        if job.state == "sent" and job.of_unit:
            labels.record_print(units.get_unit(job.subject), via=job.printer.name, actor=actor)
        db.session.commit()
    return True


def _deliver(job: PrintJob) -> str | None:
    """Render the job's label and send it; None when the printer took it, else why not."""
    printer = job.printer
    stock = label_rendering.get_stock(job.stock_id)
    try:
        content = _label_content(job)
        labels.check_fits([content], stock)
        image = label_rendering.render_bitmap(content, stock, printer.dpi)
        data = printers.encode(
            printer.kind, image, model=printer.model, stock_id=job.stock_id, copies=job.copies
        )
        kind, address, timeout = printer.kind, printer.address, _timeout()
        # No transaction stays open while the printer takes its time.
        db.session.commit()
        printers.send(kind, address, data, timeout=timeout)
    except PrinterError as error:
        return explain(error)
    except ServiceError as error:  # what it is of is gone, or its address too long for the QR
        return str(error.message)
    return None


def _label_content(job: PrintJob) -> label_rendering.LabelContent:
    """The label the job names, made again from what it is of (a unit, a lot, a place)."""
    base = labels.base_url(job.label_base)
    if job.of_lot:
        return labels.lot_label(recall.get_lot(job.subject), base)
    if job.of_place:
        return labels.place_label(places.get_place(job.subject), base)
    return labels.unit_label(units.get_unit(job.subject), base)


def outcome(job: PrintJob) -> tuple[str, str]:
    """What to tell the person who queued the job, and how (a flash category)."""
    return (
        str(
            _l(
                "The label is on its way to %(printer)s; Print jobs shows when it is printed.",
                printer=job.printer.name,
            )
        ),
        "success",
    )


def recent_jobs(limit: int = JOBS_SHOWN) -> list[PrintJob]:
    return list(
        db.session.scalars(
            sa.select(PrintJob)
            .options(so.joinedload(PrintJob.printer), so.joinedload(PrintJob.created_by))
            .order_by(PrintJob.id.desc())
            .limit(limit)
        )
    )


#: Where an app keeps its print worker.
WORKER = "print_worker"


def worker(app: Flask | None = None) -> PrintWorker:
    """This app's print worker (made on first use)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(WORKER)
    if found is None:
        found = app.extensions.setdefault(WORKER, PrintWorker(app, send_next, queued_jobs))
    return found
