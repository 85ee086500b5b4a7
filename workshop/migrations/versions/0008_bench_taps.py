"""A checklist item can be tied to evidence the app holds (a passing run, the parts scanned):
it ticks itself then, and cannot be ticked without it. Items saved before are ticked by hand.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 17:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("checklist_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("checklist_items", schema=None) as batch_op:
        batch_op.drop_column("evidence")
