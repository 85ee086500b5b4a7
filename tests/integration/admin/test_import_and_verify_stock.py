"""`flask import-stock FILE.csv [--dry-run]` brings existing stock in whole or not at all;
`flask verify-stock` recomputes every lot from the ledger and names any that disagree."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.helpers import make_drone_type, make_place, receive
from tests.integration.support import audit_events, database_state
from workshop.extensions import db
from workshop.models import LedgerEntry, Lot, Site

GOOD = (
    "part,quantity,place,source,lot\n"
    "Frame,12,Kyiv workshop/Shelf 3,donation,\n"
    "esc,40,Kyiv workshop/Shelf 3/Box 2,purchase,ESC-2611\n"
    "Flight controller,5,Lviv warehouse/Rack 1,Other,\n"
)


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def csv_file(app, tmp_path: Path):
    make_drone_type()  # the catalogue: Frame, Flight controller, ESC

    def write(body: str, name: str = "stock.csv", encoding: str = "utf-8") -> str:
        path = tmp_path / name
        path.write_bytes(body.encode(encoding))
        return str(path)

    return write


def lots() -> list[tuple[str, str, int, str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Lot).order_by(Lot.id))
    return [(lot.code, lot.part.name, lot.quantity, lot.place.path, lot.source) for lot in rows]


def test_a_good_file_comes_in_whole_prints_the_lot_codes_and_makes_its_places(app, csv_file):
    result = run(app, "import-stock", csv_file(GOOD))
    assert result.exit_code == 0, result.output
    assert lots() == [
        ("L-000001", "Frame", 12, "Kyiv workshop/Shelf 3", "donation"),
        ("ESC-2611", "ESC", 40, "Kyiv workshop/Shelf 3/Box 2", "purchase"),
        ("L-000002", "Flight controller", 5, "Lviv warehouse/Rack 1", "other"),
    ]
    for code in ("L-000001", "ESC-2611", "L-000002"):
        assert code in result.output
    assert "Made Lviv warehouse/Rack 1" in result.output and "Imported 3 lots." in result.output
    assert sorted(db.session.scalars(sa.select(Site.name))) == ["Kyiv workshop", "Lviv warehouse"]
    assert db.session.scalar(sa.select(sa.func.count(LedgerEntry.id))) == 3
    assert [e.after["lots"] for e in audit_events(action="stock.import")] == [3]
    assert run(app, "verify-stock").exit_code == 0


def test_a_file_from_a_spreadsheet_with_semicolons_and_a_byte_order_mark_reads_too(app, csv_file):
    body = "part;quantity;place;source;lot\r\nFrame;3;Kyiv workshop/Shelf 3;donation;\r\n"
    result = run(app, "import-stock", csv_file(body, encoding="utf-8-sig"))
    assert result.exit_code == 0, result.output
    assert lots() == [("L-000001", "Frame", 3, "Kyiv workshop/Shelf 3", "donation")]


def test_a_dry_run_shows_what_it_would_make_and_writes_nothing(app, csv_file):
    before = database_state()
    result = run(app, "import-stock", csv_file(GOOD), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "ESC-2611" in result.output and "(new lot)" in result.output
    assert "Would make Kyiv workshop" in result.output
    assert "Dry run: 3 lots would be made; nothing was written." in result.output
    assert database_state() == before


BAD = {
    "an unknown part": (
        "Motr 2807,4,Kyiv workshop/Shelf 3,donation,",
        "Line 3: no part “Motr 2807” in the catalogue.",
    ),
    "quantity 0": ("Frame,0,Kyiv workshop/Shelf 3,donation,", "Line 3: quantity: a whole number"),
    "a fraction": ("Frame,2.5,Kyiv workshop/Shelf 3,donation,", "not “2.5”"),
    "a negative quantity": ("Frame,-1,Kyiv workshop/Shelf 3,donation,", "not “-1”"),
    "an absurd quantity": ("Frame,9999999,Kyiv workshop/Shelf 3,donation,", "not “9999999”"),
    "a lot code used in the file": (
        "Frame,1,Kyiv workshop/Shelf 3,donation,ESC-2611",
        "Line 3: the lot code ESC-2611 is used already.",
    ),
    "a code the app makes": (
        "Frame,1,Kyiv workshop/Shelf 3,donation,L-000777",
        "Line 3: lot codes such as L-000777 are made by the app",
    ),
    "a code a scanner cannot type back": (
        "Frame,1,Kyiv workshop/Shelf 3,donation,ЛОТ 1",
        "may hold capital Latin letters, digits and hyphens only",
    ),
    "a place with no site": ("Frame,1,Shelf 3,donation,", "names no site and place"),
    "an unknown source": ("Frame,1,Kyiv workshop/Shelf 3,found it,", "the source is one of"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_line_imports_nothing_and_the_refusal_names_it(app, csv_file, case):
    line, says = BAD[case]
    body = "part,quantity,place,source,lot\nESC,1,Kyiv workshop/Shelf 3,donation,ESC-2611\n"
    before = database_state()
    result = run(app, "import-stock", csv_file(body + line + "\n"))
    assert result.exit_code == 1
    assert says in result.output
    assert "Nothing was imported." in result.output
    assert database_state() == before


def test_a_lot_code_already_on_the_shelves_is_refused(app, csv_file):
    assert run(app, "import-stock", csv_file(GOOD)).exit_code == 0
    before = database_state()
    again = "part,quantity,place,source,lot\nESC,1,A/B,donation,esc-2611\n"
    result = run(app, "import-stock", csv_file(again, name="again.csv"))
    assert result.exit_code == 1
    assert "Line 2: the lot code ESC-2611 is used already." in result.output
    assert database_state() == before


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("part,quantity,place\nFrame,1,A/B\n", "The header lacks the column “source”"),
        ("part,qty,place,source,lot\n", "Unknown column “qty”"),
        ("part,quantity,place,source,lot\n\n", "The file holds no lines of stock."),
    ],
)
def test_a_file_of_the_wrong_shape_imports_nothing(app, csv_file, body, says):
    before = database_state()
    result = run(app, "import-stock", csv_file(body))
    assert result.exit_code == 1 and says in result.output
    assert database_state() == before


def test_every_bad_line_is_named_at_once(app, csv_file):
    body = "part,quantity,place,source,lot\nNope,1,A/B,donation,\nFrame,x,A/B,donation,\n"
    result = run(app, "import-stock", csv_file(body))
    assert result.exit_code == 1
    assert "Line 2: no part “Nope”" in result.output and "Line 3: quantity:" in result.output


def test_a_file_that_is_not_utf8_is_refused(app, csv_file):
    body = "part,quantity,place,source,lot\nРама,1,A/B,donation,\n"
    result = run(app, "import-stock", csv_file(body, encoding="cp1251"))
    assert result.exit_code == 1 and "is not UTF-8 text" in result.output


def test_verify_stock_catches_a_ledger_edited_behind_the_apps_back(app):
    make_drone_type()
    shelf = make_place("Kyiv workshop/Shelf 3")
    kept, edited = receive("Frame", 10, shelf), receive("ESC", 4, shelf)
    result = run(app, "verify-stock")
    assert result.exit_code == 0 and "2 lots agree with the stock ledger." in result.output
    db.session.execute(
        sa.update(LedgerEntry).where(LedgerEntry.lot_id == edited.id).values(lot_change=40)
    )
    db.session.commit()
    result = run(app, "verify-stock")
    assert result.exit_code == 1
    assert f"{edited.code}: the lot says 4, its ledger 40" in result.output
    assert kept.code not in result.output
    assert "1 lot disagrees with the stock ledger." in result.output
    db.session.execute(sa.update(Lot).where(Lot.id == kept.id).values(quantity=9))
    db.session.commit()
    result = run(app, "verify-stock")
    assert f"{kept.code}: the lot says 9, its ledger 10" in result.output
    assert "2 lots disagree with the stock ledger." in result.output
