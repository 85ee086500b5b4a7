"""Measurements keep their limit and detail as data too (kind, values, unit), so the app says
them in the reader's language; rows stored before keep their words and show them as before.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bench_measurements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("limit_spec", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("detail_spec", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("bench_measurements", schema=None) as batch_op:
        batch_op.drop_column("detail_spec")
        batch_op.drop_column("limit_spec")
