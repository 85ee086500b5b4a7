"""Serial ports of the workshop computer that the app may open for a flight controller."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model
from workshop.models.timestamps import utcnow


class BenchPort(Model):
    """A port by its pyserial URL (`COM3`, `/dev/ttyACM0`, `socket://host:port`) or
    `sim://<profile>`, an in-process simulated flight controller for trying the app."""

    __tablename__ = "bench_ports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    url: so.Mapped[str] = so.mapped_column(sa.String(200))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<BenchPort {self.name} {self.url}>"
