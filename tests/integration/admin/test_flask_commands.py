"""The `flask` commands a coordinator runs: create-user, seed-demo, backup."""

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
    assert units == 9  # six over the stages, three in the field
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code != 0 and "has data already" in second.output
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == units


def test_backup_writes_a_consistent_copy_or_says_how(app, tmp_path):
    unit = make_unit()
    target = tmp_path / "backups" / "copy.sqlite"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    if db.engine.dialect.name != "sqlite":
        assert result.exit_code != 0 and "pg_dump" in result.output
        assert not target.exists()
        return
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT serial FROM units").fetchall() == [(unit.serial,)]
    again = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists already" in again.output
