"""A tracked part can be marked removed (a wrong scan, a replaced part); never deleted.

The unique (unit, part, code) constraint goes: a code removed by mistake may be recorded again,
and the service refuses a duplicate among the parts still in the unit.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 14:52:15.783952
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("unit_parts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("removed_by_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_unit_parts_unit_id"), type_="unique")
        batch_op.create_foreign_key(
            batch_op.f("fk_unit_parts_removed_by_id_users"), "users", ["removed_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("unit_parts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_unit_parts_removed_by_id_users"), type_="foreignkey"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_unit_parts_unit_id"), ["unit_id", "bom_item_id", "code"]
        )
        batch_op.drop_column("removed_by_id")
        batch_op.drop_column("removed_at")
