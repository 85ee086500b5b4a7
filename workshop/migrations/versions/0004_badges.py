"""A person can carry a badge: its QR code holds a random code unique to them, until revoked.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 16:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("badge_code", sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_users_badge_code"), ["badge_code"])


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_badge_code"), type_="unique")
        batch_op.drop_column("badge_code")
