"""Parts on the shelf: the parts catalogue, sites and places, lots and the stock ledger.

Every bill-of-materials line now names a part. The lines already there become parts: lines of
the same name (any case, any spacing) become one part, tracked when any of them was; two such
lines in one bill become one line with their quantities added. Tracked part codes recorded on
units keep pointing at their line and now name the part too. Each bin number printed on a bin
label so far becomes a place of one site, so the labels on the bins keep working.

Downgrading gives every line its part's name and tracking back; lines merged on the way up stay
merged, and stock (lots, places, the ledger) is dropped.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 14:48:36.516275
"""

import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: The site the bins of an existing workshop become places of; the coordinator renames it.
BIN_SITE = "Майстерня"

_bom_items = sa.table(
    "bom_items",
    sa.column("id", sa.Integer),
    sa.column("drone_type_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("quantity", sa.Integer),
    sa.column("tracked", sa.Boolean),
    sa.column("position", sa.Integer),
    sa.column("part_id", sa.Integer),
)
_parts = sa.table(
    "parts",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("key", sa.String),
    sa.column("category", sa.String),
    sa.column("measure", sa.String),
    sa.column("tracked", sa.Boolean),
    sa.column("low_stock", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_unit_parts = sa.table(
    "unit_parts",
    sa.column("id", sa.Integer),
    sa.column("bom_item_id", sa.Integer),
    sa.column("part_id", sa.Integer),
)
_sites = sa.table(
    "sites",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_places = sa.table(
    "places",
    sa.column("id", sa.Integer),
    sa.column("site_id", sa.Integer),
    sa.column("parent_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("path", sa.String),
    sa.column("code", sa.String),
    sa.column("bin_number", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_counters = sa.table(
    "serial_counters",
    sa.column("prefix", sa.String),
    sa.column("year", sa.Integer),
    sa.column("last", sa.Integer),
)


def _key(name: str) -> str:
    # The rule services/parts.py applies, frozen here as it was when this migration ran.
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def upgrade():
    op.create_table(
        "parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("measure", sa.String(length=8), nullable=False),
        sa.Column("tracked", sa.Boolean(), nullable=False),
        sa.Column("low_stock", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parts")),
        sa.UniqueConstraint("key", name=op.f("uq_parts_key")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("name", name=op.f("uq_sites_name")),
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("bin_number", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["places.id"], name=op.f("fk_places_parent_id_places")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_places_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("bin_number", name=op.f("uq_places_bin_number")),
        sa.UniqueConstraint("code", name=op.f("uq_places_code")),
        sa.UniqueConstraint("id", "site_id", name=op.f("uq_places_id")),
        sa.UniqueConstraint("path", name=op.f("uq_places_path")),
    )
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_places_site_id"), ["site_id"], unique=False)

    op.create_table(
        "lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("origin_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("source_code", sa.String(length=40), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("cost", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_lots_quantity_not_negative")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_lots_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(["origin_id"], ["lots.id"], name=op.f("fk_lots_origin_id_lots")),
        sa.ForeignKeyConstraint(["part_id"], ["parts.id"], name=op.f("fk_lots_part_id_parts")),
        sa.ForeignKeyConstraint(["place_id"], ["places.id"], name=op.f("fk_lots_place_id_places")),
        sa.ForeignKeyConstraint(
            ["place_id", "site_id"], ["places.id", "places.site_id"], name="fk_lots_place_site"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lots")),
        sa.UniqueConstraint("code", name=op.f("uq_lots_code")),
    )
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lots_origin_id"), ["origin_id"], unique=False)
        batch_op.create_index(
            "ix_lots_part_site_quantity", ["part_id", "site_id", "quantity"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lots_place_id"), ["place_id"], unique=False)

    op.create_table(
        "stock_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("lot_change", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("related_lot_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("bom_item_id", sa.Integer(), nullable=True),
        sa.Column("unit_change", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bom_item_id"], ["bom_items.id"], name=op.f("fk_stock_ledger_bom_item_id_bom_items")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_stock_ledger_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["part_id"], ["parts.id"], name=op.f("fk_stock_ledger_part_id_parts")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_stock_ledger_place_id_places")
        ),
        sa.ForeignKeyConstraint(
            ["related_lot_id"], ["lots.id"], name=op.f("fk_stock_ledger_related_lot_id_lots")
        ),
        sa.ForeignKeyConstraint(
            ["settled_by_id"], ["users.id"], name=op.f("fk_stock_ledger_settled_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_stock_ledger_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_stock_ledger_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_ledger")),
    )
    with op.batch_alter_table("stock_ledger", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_ledger_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_ledger_part_id"), ["part_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_ledger_unit_id"), ["unit_id"], unique=False)

    with op.batch_alter_table("bom_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("part_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("unit_parts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("part_id", sa.Integer(), nullable=True))

    bind = op.get_bind()
    now = datetime.now(UTC)
    _bom_lines_become_parts(bind, now)
    _bins_become_places(bind, now)
    # Lots and places number their codes after the drone types' serials (one-letter prefixes
    # no drone type can have; year 0: they run on across years).
    places_made = bind.scalar(sa.select(sa.func.count()).select_from(_places))
    bind.execute(
        _counters.insert(),
        [{"prefix": "L", "year": 0, "last": 0}, {"prefix": "P", "year": 0, "last": places_made}],
    )

    with op.batch_alter_table("bom_items", schema=None) as batch_op:
        batch_op.alter_column("part_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_bom_items_part_id"), ["part_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_bom_items_drone_type_id"), ["drone_type_id", "part_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_bom_items_part_id_parts"), "parts", ["part_id"], ["id"]
        )
        batch_op.drop_column("name")
        batch_op.drop_column("tracked")

    with op.batch_alter_table("unit_parts", schema=None) as batch_op:
        batch_op.alter_column("part_id", existing_type=sa.Integer(), nullable=False)
        batch_op.add_column(sa.Column("lot_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_unit_parts_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_parts_part_id"), ["part_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_unit_parts_part_id_parts"), "parts", ["part_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_unit_parts_lot_id_lots"), "lots", ["lot_id"], ["id"]
        )

    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("site_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_units_site_id"), ["site_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_units_site_id_sites"), "sites", ["site_id"], ["id"]
        )


def _bom_lines_become_parts(bind: sa.Connection, now: datetime) -> None:
    """One part per name; a bill naming a part twice keeps one line with both quantities."""
    lines = bind.execute(
        sa.select(
            _bom_items.c.id,
            _bom_items.c.drone_type_id,
            _bom_items.c.name,
            _bom_items.c.quantity,
            _bom_items.c.tracked,
        ).order_by(_bom_items.c.id)
    ).all()
    tracked: dict[str, bool] = {}
    names: dict[str, str] = {}
    for line in lines:
        key = _key(line.name)
        names.setdefault(key, " ".join(line.name.split()))
        tracked[key] = tracked.get(key, False) or bool(line.tracked)
    part_ids = {
        key: bind.execute(
            _parts.insert()
            .values(
                name=name,
                key=key,
                category="",
                measure="pcs",
                tracked=tracked[key],
                low_stock=0,
                created_at=now,
            )
            .returning(_parts.c.id)
        ).scalar_one()
        for key, name in names.items()
    }
    kept: dict[tuple[int, str], tuple[int, int]] = {}  # (type, part key) -> (line id, quantity)
    for line in lines:
        key = _key(line.name)
        first = kept.get((line.drone_type_id, key))
        if first is None:
            kept[(line.drone_type_id, key)] = (line.id, line.quantity)
            bind.execute(
                _bom_items.update().where(_bom_items.c.id == line.id).values(part_id=part_ids[key])
            )
            continue
        kept_id, quantity = first
        kept[(line.drone_type_id, key)] = (kept_id, quantity + line.quantity)
        bind.execute(
            _bom_items.update()
            .where(_bom_items.c.id == kept_id)
            .values(quantity=quantity + line.quantity)
        )
        bind.execute(
            _unit_parts.update()
            .where(_unit_parts.c.bom_item_id == line.id)
            .values(bom_item_id=kept_id)
        )
        bind.execute(_bom_items.delete().where(_bom_items.c.id == line.id))
    bind.execute(
        _unit_parts.update().values(
            part_id=sa.select(_bom_items.c.part_id)
            .where(_bom_items.c.id == _unit_parts.c.bom_item_id)
            .scalar_subquery()
        )
    )


def _bins_become_places(bind: sa.Connection, now: datetime) -> None:
    """A place for each bin number a bin label may carry (a BOM line's id), in one site."""
    lines = bind.execute(
        sa.select(_bom_items.c.id, _parts.c.name)
        .join(_parts, _parts.c.id == _bom_items.c.part_id)
        .order_by(_bom_items.c.id)
    ).all()
    if not lines:
        return
    site_id = bind.execute(
        _sites.insert().values(name=BIN_SITE, created_at=now).returning(_sites.c.id)
    ).scalar_one()
    for number, (bin_number, part_name) in enumerate(lines, start=1):
        name = f"{part_name[:70]} #{bin_number}"
        bind.execute(
            _places.insert().values(
                site_id=site_id,
                parent_id=None,
                name=name,
                path=f"{BIN_SITE}/{name}",
                code=f"P-{number:06d}",
                bin_number=bin_number,
                created_at=now,
            )
        )


def downgrade():
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_units_site_id_sites"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_units_site_id"))
        batch_op.drop_column("site_id")

    with op.batch_alter_table("unit_parts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_unit_parts_lot_id_lots"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_unit_parts_part_id_parts"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_unit_parts_part_id"))
        batch_op.drop_index(batch_op.f("ix_unit_parts_lot_id"))
        batch_op.drop_column("lot_id")
        batch_op.drop_column("part_id")

    with op.batch_alter_table("bom_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("tracked", sa.Boolean(), nullable=True))
    part = sa.select(_parts).where(_parts.c.id == _bom_items.c.part_id)
    op.get_bind().execute(
        _bom_items.update().values(
            name=part.with_only_columns(_parts.c.name).scalar_subquery(),
            tracked=part.with_only_columns(_parts.c.tracked).scalar_subquery(),
        )
    )
    with op.batch_alter_table("bom_items", schema=None) as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(length=120), nullable=False)
        batch_op.alter_column("tracked", existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_constraint(batch_op.f("fk_bom_items_part_id_parts"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_bom_items_drone_type_id"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_bom_items_part_id"))
        batch_op.drop_column("part_id")

    op.get_bind().execute(
        _counters.delete().where(_counters.c.prefix.in_(("L", "P")), _counters.c.year == 0)
    )

    with op.batch_alter_table("stock_ledger", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_ledger_unit_id"))
        batch_op.drop_index(batch_op.f("ix_stock_ledger_part_id"))
        batch_op.drop_index(batch_op.f("ix_stock_ledger_lot_id"))
    op.drop_table("stock_ledger")
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lots_place_id"))
        batch_op.drop_index("ix_lots_part_site_quantity")
        batch_op.drop_index(batch_op.f("ix_lots_origin_id"))
    op.drop_table("lots")
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_places_site_id"))
    op.drop_table("places")
    op.drop_table("sites")
    op.drop_table("parts")
