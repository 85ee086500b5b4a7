"""Workshop-wide settings an admin changes in the app: one row per key, the value as text."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model


class Setting(Model):
    """A key and its value; services.settings turns the text into a typed value."""

    __tablename__ = "settings"

    key: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    value: so.Mapped[str] = so.mapped_column(sa.String(300))

    def __repr__(self) -> str:
        return f"<Setting {self.key}={self.value!r}>"
