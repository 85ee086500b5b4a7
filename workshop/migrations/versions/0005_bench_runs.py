"""Flight-controller runs: bench runs and their measurements, limits and golden configuration
versions per drone type, board bindings and their conflicts, station tokens, bench ports.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 16:36:28.817047
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bench_ports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bench_ports")),
        sa.UniqueConstraint("name", name=op.f("uq_bench_ports_name")),
    )
    op.create_table(
        "golden_configs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drone_type_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ignore", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_golden_configs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["drone_type_id"],
            ["drone_types.id"],
            name=op.f("fk_golden_configs_drone_type_id_drone_types"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_golden_configs")),
        sa.UniqueConstraint(
            "drone_type_id", "number", name=op.f("uq_golden_configs_drone_type_id")
        ),
    )
    with op.batch_alter_table("golden_configs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_golden_configs_drone_type_id"), ["drone_type_id"], unique=False
        )

    op.create_table(
        "limits_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drone_type_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("limits", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_limits_versions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["drone_type_id"],
            ["drone_types.id"],
            name=op.f("fk_limits_versions_drone_type_id_drone_types"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_limits_versions")),
        sa.UniqueConstraint(
            "drone_type_id", "number", name=op.f("uq_limits_versions_drone_type_id")
        ),
    )
    with op.batch_alter_table("limits_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_limits_versions_drone_type_id"), ["drone_type_id"], unique=False
        )

    op.create_table(
        "station_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_station_tokens_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_station_tokens_revoked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_tokens")),
        sa.UniqueConstraint("name", name=op.f("uq_station_tokens_name")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_station_tokens_token_sha256")),
    )
    op.create_table(
        "bench_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("verdict", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=200), nullable=False),
        sa.Column("board_uid", sa.String(length=48), nullable=True),
        sa.Column("probe", sa.JSON(), nullable=True),
        sa.Column("limits", sa.JSON(), nullable=False),
        sa.Column("limits_version_id", sa.Integer(), nullable=True),
        sa.Column("golden_version_id", sa.Integer(), nullable=True),
        sa.Column("config_changes", sa.JSON(), nullable=True),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["golden_version_id"],
            ["golden_configs.id"],
            name=op.f("fk_bench_runs_golden_version_id_golden_configs"),
        ),
        sa.ForeignKeyConstraint(
            ["limits_version_id"],
            ["limits_versions.id"],
            name=op.f("fk_bench_runs_limits_version_id_limits_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["station_tokens.id"],
            name=op.f("fk_bench_runs_station_id_station_tokens"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_bench_runs_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_bench_runs_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bench_runs")),
    )
    with op.batch_alter_table("bench_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bench_runs_board_uid"), ["board_uid"], unique=False)
        batch_op.create_index(batch_op.f("ix_bench_runs_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "bench_measurements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("limit", sa.String(length=300), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["bench_runs.id"], name=op.f("fk_bench_measurements_run_id_bench_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bench_measurements")),
    )
    with op.batch_alter_table("bench_measurements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bench_measurements_run_id"), ["run_id"], unique=False)

    op.create_table(
        "board_bindings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=48), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["released_by_id"], ["users.id"], name=op.f("fk_board_bindings_released_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["bench_runs.id"], name=op.f("fk_board_bindings_run_id_bench_runs")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_board_bindings_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_bindings")),
    )
    with op.batch_alter_table("board_bindings", schema=None) as batch_op:
        batch_op.create_index(
            "uq_board_bindings_active_uid",
            ["uid"],
            unique=True,
            sqlite_where=sa.text("released_at IS NULL"),
            postgresql_where=sa.text("released_at IS NULL"),
        )
        batch_op.create_index(
            "uq_board_bindings_active_unit",
            ["unit_id"],
            unique=True,
            sqlite_where=sa.text("released_at IS NULL"),
            postgresql_where=sa.text("released_at IS NULL"),
        )

    op.create_table(
        "board_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=48), nullable=False),
        sa.Column("other_unit_id", sa.Integer(), nullable=True),
        sa.Column("bound_uid", sa.String(length=48), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_board_conflicts_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["other_unit_id"], ["units.id"], name=op.f("fk_board_conflicts_other_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["bench_runs.id"], name=op.f("fk_board_conflicts_run_id_bench_runs")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_board_conflicts_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_conflicts")),
        sa.UniqueConstraint("run_id", name=op.f("uq_board_conflicts_run_id")),
    )
    with op.batch_alter_table("board_conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_conflicts_unit_id"), ["unit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("board_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_conflicts_unit_id"))

    op.drop_table("board_conflicts")
    with op.batch_alter_table("board_bindings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_board_bindings_active_unit",
            sqlite_where=sa.text("released_at IS NULL"),
            postgresql_where=sa.text("released_at IS NULL"),
        )
        batch_op.drop_index(
            "uq_board_bindings_active_uid",
            sqlite_where=sa.text("released_at IS NULL"),
            postgresql_where=sa.text("released_at IS NULL"),
        )

    op.drop_table("board_bindings")
    with op.batch_alter_table("bench_measurements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bench_measurements_run_id"))

    op.drop_table("bench_measurements")
    with op.batch_alter_table("bench_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bench_runs_unit_id"))
        batch_op.drop_index(batch_op.f("ix_bench_runs_board_uid"))

    op.drop_table("bench_runs")
    op.drop_table("station_tokens")
    with op.batch_alter_table("limits_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_limits_versions_drone_type_id"))

    op.drop_table("limits_versions")
    with op.batch_alter_table("golden_configs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_golden_configs_drone_type_id"))

    op.drop_table("golden_configs")
    op.drop_table("bench_ports")
