"""Issue 12, point 8: backups that restore. The drill: back up, change things, restore, find the
state of the backup (database and photos). On PostgreSQL (DATABASE_URL) the backup is
pg_dump's and the restore pg_restore's; on SQLite the online backup API's. A restore refuses
while the app is served, and refuses a backup that does not hold, changing nothing."""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from tests.conftest import _postgres_url, _reset_postgres, _test_app
from tests.helpers import login, make_unit, make_user, post, required_ids
from tests.integration.support import database_state, finish, image_file, status_form
from workshop.extensions import db
from workshop.instance_lock import InstanceLock
from workshop.models import Photo
from workshop.services import backup


@contextmanager
def _instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str | None) -> Iterator[Flask]:
    """The app migrated, with an instance folder, photos and backups of its own under
    tmp_path; on the PostgreSQL database `url`, else on a SQLite file in the instance folder."""
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(instance))
    if url:
        _reset_postgres(url)
    app = _test_app(url or f"sqlite:///{(instance / 'workshop.sqlite').as_posix()}", tmp_path)
    app.config["BACKUP_KEEP"] = 14
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """On the suite's database: PostgreSQL with DATABASE_URL, else a SQLite file."""
    with _instance(tmp_path, monkeypatch, _postgres_url()) as app:
        yield app


@pytest.fixture
def sqlite_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """On a SQLite file whatever the suite runs on: for what only a SQLite backup has."""
    with _instance(tmp_path, monkeypatch, None) as app:
        yield app


def _photos(app: Flask) -> set[str]:
    return {p.name for p in Path(app.config["PHOTO_DIR"]).iterdir()}


def _run(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def _backup(app: Flask) -> Path:
    result = _run(app, "backup")
    assert result.exit_code == 0, result.output
    written = Path(result.stdout.removeprefix("Backed up to ").strip().rstrip("."))
    assert written.is_dir() and written.parent == Path(app.config["BACKUP_DIR"])
    return written


def _some_work(app: Flask) -> None:
    """A unit at kitting with a photo, as a volunteer makes it on the tablet."""
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    tablet = app.test_client()
    login(tablet, volunteer)
    finish(tablet, unit, required_ids(unit), photo=(image_file(), "kit.jpg"))


def test_the_drill_back_up_change_things_restore_and_find_the_backup(instance, tmp_path):
    _some_work(instance)
    state, photos = database_state(), _photos(instance)
    assert len(photos) == 2  # the photo and its thumbnail
    written = _backup(instance)

    # Life goes on: a second unit with its own photo, the first one put on hold.
    _some_work(instance)
    volunteer = make_user()
    tablet = instance.test_client()
    login(tablet, volunteer)
    first = db.session.scalars(sa.select(Photo)).first().unit
    post(tablet, f"/u/{first.serial}/status/hold", status_form(first.version, "no motor"))
    assert database_state() != state and _photos(instance) != photos

    result = _run(instance, "restore", str(written))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Restored the backup made ") and str(written) in lines[0]
    assert lines[1] == f"  1 units, {state['counts']['audit_events']} audit events " + (
        "(the chain holds), 2 photos."
    )
    assert database_state() == state
    assert _photos(instance) == photos
    assert _run(instance, "verify-audit").exit_code == 0
    # What was replaced is itself a backup, to undo a restore of the wrong one.
    [kept] = [p for p in backup.backups(written.parent) if p.name.endswith("-before-restore")]
    assert backup.Manifest.read(kept).photos == 4
    assert f"What was here before is kept in {kept}." in result.stdout


def test_the_app_works_on_after_a_restore(instance):
    _some_work(instance)
    written = _backup(instance)
    assert _run(instance, "restore", str(written)).exit_code == 0
    _some_work(instance)  # new rows, new events chained after the restored ones
    assert _run(instance, "verify-audit").exit_code == 0


def test_the_oldest_backup_kept_restores_too(instance):
    instance.config["BACKUP_KEEP"] = 2
    _some_work(instance)
    oldest = _backup(instance)
    _some_work(instance)
    _backup(instance)
    result = _run(instance, "restore", str(oldest))
    assert result.exit_code == 0, result.output
    assert "  1 units," in result.stdout and oldest.is_dir()


def test_a_restore_refuses_while_the_app_is_served(instance):
    _some_work(instance)
    written = _backup(instance)
    make_unit()
    before = database_state()
    with InstanceLock(Path(instance.instance_path)):  # what `python -m workshop` holds
        result = _run(instance, "restore", str(written))
    assert result.exit_code == 1
    assert "Not restored: the app is being served from this instance folder (process " in (
        result.output
    )
    assert "Stop it first." in result.output
    assert database_state() == before


def test_a_folder_that_is_no_backup_is_refused(instance, tmp_path):
    (tmp_path / "holiday-photos").mkdir()
    result = _run(instance, "restore", str(tmp_path / "holiday-photos"))
    assert result.exit_code == 1
    assert "is not a backup of the workshop (no readable backup.json)" in result.output


def test_backups_beyond_the_ones_kept_are_deleted_and_photos_are_shared(instance):
    instance.config["BACKUP_KEEP"] = 3
    _some_work(instance)
    made = [_backup(instance) for _ in range(5)]
    assert backup.backups(made[0].parent) == made[2:]
    photo = sorted(_photos(instance))[0]
    # A photo is never changed once written: the backups hold one file under several names.
    assert (made[3] / "photos" / photo).stat().st_ino == (made[4] / "photos" / photo).stat().st_ino


# What only a SQLite backup can show: its database file checked before anything is replaced --


def _tamper(written: Path, statement: str) -> None:
    with sqlite3.connect(written / "workshop.sqlite") as connection:
        connection.execute(statement)


def test_a_backup_whose_audit_log_was_changed_is_refused(sqlite_instance):
    _some_work(sqlite_instance)
    written = _backup(sqlite_instance)
    _tamper(written, "UPDATE audit_events SET entity_key = 'ELSEWHERE' WHERE id = 2")
    make_unit()
    before = database_state()
    result = _run(sqlite_instance, "restore", str(written))
    assert result.exit_code == 1
    assert (
        "Not restored: The backup's audit log does not hold at event 2: its content was "
        "changed after it was written." in result.output
    )
    assert database_state() == before


def test_a_damaged_backup_is_refused(sqlite_instance):
    _some_work(sqlite_instance)
    written = _backup(sqlite_instance)
    data = (written / "workshop.sqlite").read_bytes()
    (written / "workshop.sqlite").write_bytes(data[:4096] + os.urandom(len(data) - 4096))
    before = database_state()
    result = _run(sqlite_instance, "restore", str(written))
    assert result.exit_code == 1
    assert "Not restored: The backup's database is damaged" in result.output
    assert database_state() == before


def test_a_backup_missing_a_photo_is_refused(sqlite_instance):
    _some_work(sqlite_instance)
    written = _backup(sqlite_instance)
    photo = next(p for p in (written / "photos").iterdir() if ".thumb" not in p.name)
    photo.unlink()
    before, photos = database_state(), _photos(sqlite_instance)
    result = _run(sqlite_instance, "restore", str(written))
    assert result.exit_code == 1
    assert f"The backup lacks photos its database names (1), e.g. {photo.name}." in result.output
    assert database_state() == before and _photos(sqlite_instance) == photos


def test_a_backup_is_a_consistent_sqlite_file_with_its_counts(sqlite_instance):
    _some_work(sqlite_instance)
    written = _backup(sqlite_instance)
    manifest = backup.Manifest.read(written)
    assert (manifest.database, manifest.units, manifest.photos) == ("sqlite", 1, 2)
    with sqlite3.connect(written / "workshop.sqlite") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM audit_events").fetchone() == (
            manifest.audit_events,
        )
