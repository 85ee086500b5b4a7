"""Hardening: logins the server can end, wrong PINs that survive a restart, an audit log that
proves itself (each event chained to the one before by a hash), and print jobs a worker sends.

The events already in the log are chained here, in the order of their ids.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 16:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from workshop.models.audit import GENESIS, event_hash

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

EVENTS = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("user_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_key", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def upgrade():
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_login_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_sessions")),
        sa.UniqueConstraint("token", name=op.f("uq_login_sessions_token")),
    )
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_digest", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locks_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failures_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_login_failures_name_digest"), ["name_digest"], unique=False
        )

    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("label_base", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("locale", sa.String(length=8), nullable=False, server_default="uk")
        )
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.alter_column("label_base", server_default=None)
        batch_op.alter_column("locale", server_default=None)

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_events()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_prev_hash"), ["prev_hash"])


def _chain_existing_events() -> None:
    connection = op.get_bind()
    previous = GENESIS
    rows = connection.execute(sa.select(EVENTS).order_by(EVENTS.c.id)).all()
    for row in rows:
        digest = event_hash(
            previous,
            row.at,
            row.user_id,
            row.action,
            row.entity,
            row.entity_key,
            row.before,
            row.after,
        )
        connection.execute(
            EVENTS.update().where(EVENTS.c.id == row.id).values(prev_hash=previous, hash=digest)
        )
        previous = digest


def downgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_prev_hash"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_column("locale")
        batch_op.drop_column("label_base")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_name_digest"))
        batch_op.drop_index(batch_op.f("ix_login_failures_at"))
    op.drop_table("login_failures")
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_sessions_user_id"))
    op.drop_table("login_sessions")
