"""Quality: flight-controller runs with their measurements, and the reviewer's sign-off."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from firmware_checks.run_document import RunKind, Verdict
from workshop.extensions import Model
from workshop.models.people import User
from workshop.models.timestamps import utcnow
from workshop.models.units import Unit

if TYPE_CHECKING:
    from workshop.models.boards import BoardConflict
    from workshop.models.fc_config import GoldenConfig, LimitsVersion
    from workshop.models.stations import StationToken


class Review(Model):
    __tablename__ = "reviews"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    reviewer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    #: "approved" or "rejected"
    decision: so.Mapped[str] = so.mapped_column(sa.String(16))
    reason: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    rework_to: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    unit: so.Mapped[Unit] = so.relationship(back_populates="reviews")
    reviewer: so.Mapped[User] = so.relationship()

    @property
    def approved(self) -> bool:
        return self.decision == "approved"


class BenchRun(Model):
    """One run against a unit's flight controller, as the flight controller answered it.

    Written once and never edited: what was read (probe), what it was judged against
    (limits and the versions they came from), the verdict, and the raw transcript.
    """

    __tablename__ = "bench_runs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    #: A firmware_checks RunKind: identity (flashing), bench (bench test), apply (golden
    #: configuration), motors
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))
    #: The unit's stage when the run was recorded.
    stage: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: A firmware_checks Verdict: pass, fail or error (could not test)
    verdict: so.Mapped[str] = so.mapped_column(sa.String(8))
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: Who ran it from the app; None when a bench station posted it.
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    station_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("station_tokens.id"))
    #: The port the flight controller was read on.
    url: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: The MCU unique id read, the key of the board binding.
    board_uid: so.Mapped[str | None] = so.mapped_column(sa.String(48), index=True)
    probe: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    limits: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    limits_version_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("limits_versions.id"))
    golden_version_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("golden_configs.id"))
    #: [{kind, section, key, expected, actual}]; None when no golden configuration was compared.
    config_changes: so.Mapped[list[dict[str, Any]] | None] = so.mapped_column(sa.JSON)
    #: [{t, direction, kind, data}]: every byte and line exchanged, for download.
    transcript: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)

    unit: so.Mapped[Unit] = so.relationship()
    user: so.Mapped[User | None] = so.relationship()
    station: so.Mapped["StationToken | None"] = so.relationship()
    limits_version: so.Mapped["LimitsVersion | None"] = so.relationship()
    golden_version: so.Mapped["GoldenConfig | None"] = so.relationship()
    measurements: so.Mapped[list["BenchMeasurement"]] = so.relationship(
        back_populates="run", order_by="BenchMeasurement.position", cascade="all, delete-orphan"
    )
    conflict: so.Mapped["BoardConflict | None"] = so.relationship(back_populates="run")

    @property
    def run_kind(self) -> RunKind:
        return RunKind(self.kind)

    @property
    def run_verdict(self) -> Verdict:
        return Verdict(self.verdict)

    @property
    def passed(self) -> bool:
        return self.run_verdict is Verdict.PASS

    @property
    def failed_measurements(self) -> list["BenchMeasurement"]:
        return [m for m in self.measurements if not m.passed]

    def __repr__(self) -> str:
        return f"<BenchRun {self.id} {self.kind} {self.verdict}>"


class BenchMeasurement(Model):
    """One measured value of a run against its limit."""

    __tablename__ = "bench_measurements"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    run_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("bench_runs.id"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    name: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: A number, text or list of text; None when it could not be measured.
    value: so.Mapped[Any] = so.mapped_column(sa.JSON, nullable=True)
    unit: so.Mapped[str] = so.mapped_column(sa.String(16), default="")
    limit: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    passed: so.Mapped[bool]
    detail: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The limit as data (firmware_checks' LimitSpec.to_json()), said in the reader's language;
    #: None for a row stored before limits had a structure, or a station that sent none.
    limit_spec: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    #: The detail as data (DetailSpec.to_json()); None where the detail is raw text.
    detail_spec: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)

    run: so.Mapped[BenchRun] = so.relationship(back_populates="measurements")
