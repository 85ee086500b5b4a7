"""The demo data's stock: two sites stocked for both drone types, one part short so what can be
built shows a limit, and the units past kitting drawn from lots."""

import sqlalchemy as sa

from workshop.extensions import db
from workshop.models import LedgerEntry, Unit
from workshop.services import buildable, demo, stock, stock_levels


def test_the_demo_stocks_two_sites_and_its_built_units_drew_from_lots(app):
    demo.seed()
    overview = buildable.overview()
    assert {site.name for site in overview.sites} == {demo.WAREHOUSE, demo.WORKSHOP}
    for total, by_site in overview.types:
        assert all(line.on_hand > 0 for line in total.lines), total.drone_type.name
        assert all(at.buildable > 0 for at in by_site), total.drone_type.name
    limits = {
        total.drone_type.name: (total.buildable, total.limited_by.name)
        for total, _ in overview.types
    }
    # Ten-inch propellers are short: they hold the FPV 10" back, far below the 7".
    assert limits['FPV 10"'] == (2, 'Пропелер 10"')
    assert limits['FPV 7"'][0] >= 5 * limits['FPV 10"'][0]
    assert [level.part.name for level in stock_levels.low_stock()] == ['Пропелер 10"']

    units = db.session.scalars(sa.select(Unit).order_by(Unit.id)).all()
    drew = {
        unit_id
        for unit_id in db.session.scalars(
            sa.select(LedgerEntry.unit_id).where(LedgerEntry.kind == "draw")
        )
    }
    past_kitting = {unit.id for unit in units if unit.stage != "kitting"}
    assert past_kitting and drew == past_kitting
    assert all(unit.site.name == demo.WORKSHOP for unit in units)
    assert stock.disagreements() == []
