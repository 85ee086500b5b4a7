"""Label printers the admin configured, and the print jobs sent to them."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model
from workshop.models.people import User
from workshop.models.timestamps import utcnow


class Printer(Model):
    """A printer the server sends labels to itself: a Brother QL or a ZPL (Zebra-style) printer."""

    __tablename__ = "printers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Unique among the active printers (services.printing checks it): a removed printer's name
    #: may be given to its replacement.
    name: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: "brother_ql" or "zpl"; see workshop.labels.printers.KINDS.
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: Where it is: tcp://host:9100, usb://0x04f9:0x209b, file:///dev/usb/lp0.
    address: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: The Brother model (e.g. QL-820NWB); empty for ZPL.
    model: so.Mapped[str] = so.mapped_column(sa.String(32), default="")
    #: The label stock loaded in it (a workshop.labels.stocks id).
    stock_id: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: A ZPL printer's resolution when it is not the stock's (a 300 dpi Zebra); None: the stock's.
    dpi: so.Mapped[int | None] = so.mapped_column()
    #: A removed printer stays so its jobs keep their history; it is no longer offered.
    active: so.Mapped[bool] = so.mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Printer {self.name} {self.kind} {self.address}>"


class PrintJob(Model):
    """One label (or a few copies) sent to a printer: queued, sent, or failed with the reason."""

    __tablename__ = "print_jobs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: What the label is of ("unit", "lot", "place"); with `subject` it names the label a retry
    #: makes again.
    what: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: Which one: a unit's serial, a lot's or a place's code.
    subject: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    stock_id: so.Mapped[str] = so.mapped_column(sa.String(16))
    printer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("printers.id"), index=True)
    copies: so.Mapped[int] = so.mapped_column(default=1)
    #: "queued" (waiting for the print worker), "sending", "sent" or "failed".
    state: so.Mapped[str] = so.mapped_column(sa.String(8), default="queued", index=True)
    #: Where the label points when the workshop set no label address: the address the label
    #: was asked for from (the worker that sends it has no request of its own).
    label_base: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: The language of the person who asked for it: the worker says why a job failed in it.
    locale: so.Mapped[str] = so.mapped_column(sa.String(8), default="uk")
    error: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    printer: so.Mapped[Printer] = so.relationship()
    created_by: so.Mapped[User | None] = so.relationship()

    @property
    def of_unit(self) -> bool:
        return self.what == "unit"

    @property
    def of_lot(self) -> bool:
        return self.what == "lot"

    @property
    def of_place(self) -> bool:
        return self.what == "place"

    @property
    def retryable(self) -> bool:
        """Failed, and its printer is still offered."""
        return self.state == "failed" and self.printer.active

    @property
    def pending(self) -> bool:
        """Waiting for the print worker, or being sent."""
        return self.state in ("queued", "sending")

    def __repr__(self) -> str:
        return f"<PrintJob {self.id} {self.what} {self.subject} {self.state}>"
