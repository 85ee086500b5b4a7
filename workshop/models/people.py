"""People who use the app: name or callsign, a role, a hashed PIN and a badge code. Nothing else."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from workshop.extensions import Model
from workshop.models.timestamps import utcnow
from workshop.workflow import Role


class User(UserMixin, Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(16), default=Role.VOLUNTEER.value)
    pin_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    #: What the person's badge QR holds; a new badge replaces it, revoking clears it.
    badge_code: so.Mapped[str | None] = so.mapped_column(sa.String(16), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def set_pin(self, pin: str, method: str = "scrypt") -> None:
        self.pin_hash = generate_password_hash(pin, method=method)

    def check_pin(self, pin: str) -> bool:
        return check_password_hash(self.pin_hash, pin)

    def __repr__(self) -> str:
        return f"<User {self.name} {self.role}>"
