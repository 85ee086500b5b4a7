"""The `flask` commands a coordinator runs: create-user, seed-demo, backup (restore and
verify-audit have modules of their own)."""

import sqlite3

import sqlalchemy as sa

from tests.helpers import make_unit
from workshop.extensions import db
from workshop.models import DroneType, Unit, User


def _users() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(u.name, u.role) for u in db.session.scalars(sa.select(User).order_by(User.name))]


def test_create_user_makes_an_account_with_a_hashed_pin(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "Orlan", "--role", "reviewer", "--pin", "582914"]
    )
    assert result.exit_code == 0, result.output
    assert "Created Orlan (reviewer)." in result.output
    user = db.session.scalar(sa.select(User).where(User.name == "Orlan"))
    assert user.role == "reviewer" and "582914" not in user.pin_hash and user.check_pin("582914")


def test_create_user_with_a_bad_pin_says_why_and_creates_nothing(app):
    result = app.test_cli_runner().invoke(args=["create-user", "Orlan", "--pin", "12"])
    assert result.exit_code != 0
    assert "A PIN is 4 to 12 digits." in result.output
    assert _users() == []


def test_seed_demo_fills_an_empty_database_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Sokil" in first.output and "1111" in first.output
    assert db.session.scalar(sa.select(sa.func.count(DroneType.id))) == 2
    units = db.session.scalar(sa.select(sa.func.count(Unit.id)))
    # Six over the stages and three in the field now, and 21 from the six weeks before.
    assert units == 30
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code != 0 and "has data already" in second.output
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == units


def test_backup_writes_a_backup_folder_into_the_folder_given(app, tmp_path):
    unit = make_unit()
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "elsewhere")])
    assert result.exit_code == 0, result.output
    [written] = (tmp_path / "elsewhere").iterdir()
    assert result.output == f"Backed up to {written}.\n"
    assert (written / "backup.json").is_file() and (written / "photos").is_dir()
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(written / "workshop.sqlite") as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert copy.execute("SELECT serial FROM units").fetchall() == [(unit.serial,)]
    else:
        assert (written / "workshop.dump").read_bytes().startswith(b"PGDMP")
