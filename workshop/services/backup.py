"""Backups: a folder holding a consistent copy of the database and the photos, made at start and
once a day while the app runs (and by `flask backup`); the newest few are kept.

A backup folder is `workshop-<UTC time>` holding:
- `workshop.sqlite`: SQLite's online backup of the database (consistent beside live writers),
  checked with `PRAGMA integrity_check`; or `workshop.dump`, `pg_dump --format=custom` of a
  PostgreSQL database;
- `photos/`: every photo file, hard-linked from the backup before where it is the same file
  (photos are never changed once written), so fourteen backups cost little more than one;
- `backup.json`: when it was made, of what, and (for SQLite) what it holds.

The database is copied before the photos: every photo the copy names was written before its
row was committed, so it is there to copy. The folder is written under a hidden name and
renamed when whole: a backup folder is complete or absent.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from workshop.durable import write_durably
from workshop.extensions import db
from workshop.models import AuditEvent, Photo, Unit
from workshop.services.errors import Invalid

PREFIX = "workshop-"
MANIFEST = "backup.json"
SQLITE_FILE = "workshop.sqlite"
DUMP_FILE = "workshop.dump"
PHOTOS = "photos"
DAILY = timedelta(days=1)


@dataclass(frozen=True)
class Manifest:
    """What backup.json says of a backup."""

    made_at: str  # ISO 8601, UTC
    database: str  # "sqlite" or "postgresql"
    photos: int
    #: Counted in the copy itself (SQLite); None for a pg_dump, which is read only to restore.
    units: int | None = None
    audit_events: int | None = None
    last_audit_hash: str | None = None

    @classmethod
    def read(cls, folder: Path) -> "Manifest":
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError):
            raise Invalid(
                _l(
                    "%(path)s is not a backup of the workshop (no readable %(file)s).",
                    path=str(folder),
                    file=MANIFEST,
                )
            ) from None


def backup_dir() -> Path:
    return Path(current_app.config["BACKUP_DIR"])


def photo_dir() -> Path:
    return Path(current_app.config["PHOTO_DIR"])


def backups(directory: Path) -> list[Path]:
    """The complete backups in `directory`, oldest first (their names sort by time)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_dir() and p.name.startswith(PREFIX))


def make_backup(directory: Path | None = None, *, note: str = "", prune_old: bool = True) -> Path:
    """A new backup folder in `directory` (the configured one by default); the oldest beyond
    WORKSHOP_BACKUP_KEEP are deleted unless `prune_old` is False. `note` ends the folder's name
    (e.g. "before-restore")."""
    directory = directory or backup_dir()
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    name = f"{PREFIX}{now:%Y-%m-%dT%H%M%S.%fZ}" + (f"-{note}" if note else "")
    partial = directory / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    previous = backups(directory)
    try:
        counts = _copy_database(partial)
        photos = _copy_photos(partial / PHOTOS, previous[-1] / PHOTOS if previous else None)
        manifest = Manifest(
            made_at=now.isoformat(), database=db.engine.dialect.name, photos=photos, **counts
        )
        text = json.dumps(asdict(manifest), indent=2).encode("utf-8")
        write_durably(partial / MANIFEST, lambda file: file.write(text))
        partial.rename(directory / name)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if prune_old:
        prune(directory, current_app.config["BACKUP_KEEP"])
    return directory / name


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; the ones deleted."""
    old = backups(directory)[:-keep] if keep > 0 else []
    for folder in old:
        shutil.rmtree(folder)
    return old


def _copy_database(folder: Path) -> dict:
    engine = db.engine
    if engine.dialect.name == "sqlite":
        return _copy_sqlite(Path(str(engine.url.database)), folder / SQLITE_FILE)
    if engine.dialect.name == "postgresql":
        pg_dump(engine.url, folder / DUMP_FILE)
        return {}
    raise Invalid(_l("Backups know SQLite and PostgreSQL only."))


def _copy_sqlite(source_path: Path, target: Path) -> dict:
    """SQLite's online backup (consistent beside live writers), checked; what it holds."""
    # closing() because a sqlite3 connection's own `with` commits but never closes, and an
    # open file cannot be moved or deleted on Windows.
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise Invalid(_l("The copy failed its integrity check: %(result)s", result=result))
    engine = sa.create_engine(f"sqlite:///{target.as_posix()}")
    try:
        with so.Session(engine) as session:
            return {
                "units": session.scalar(sa.select(sa.func.count(Unit.id))),
                "audit_events": session.scalar(sa.select(sa.func.count(AuditEvent.id))),
                "last_audit_hash": session.scalar(
                    sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
                ),
            }
    finally:
        engine.dispose()


def _copy_photos(target: Path, previous: Path | None) -> int:
    """Every photo file into `target`, linked to the previous backup's copy where it is the
    same file; how many."""
    target.mkdir()
    source = photo_dir()
    count = 0
    for photo in sorted(source.iterdir()) if source.is_dir() else []:
        if not photo.is_file() or photo.name.startswith("."):
            continue  # a photo half-written (write_durably's partial file)
        earlier = previous / photo.name if previous else None
        if earlier and earlier.is_file() and earlier.stat().st_size == photo.stat().st_size:
            try:
                os.link(earlier, target / photo.name)
            except OSError:  # a file system without hard links
                shutil.copy2(photo, target / photo.name)
        else:
            shutil.copy2(photo, target / photo.name)
        count += 1
    return count


def pg_dump(url: sa.URL, target: Path) -> None:
    """`pg_dump --format=custom` of the database at `url` into `target`."""
    _run_pg("pg_dump", url, ["--format=custom", "--no-owner", f"--file={target}"])


def pg_restore(url: sa.URL, dump: Path) -> None:
    """`pg_restore` of `dump` into the database at `url`, replacing what is there, in one
    transaction: it is all restored or nothing is."""
    _run_pg(
        "pg_restore",
        url,
        ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(dump)],
    )


def _run_pg(tool: str, url: sa.URL, arguments: list[str]) -> None:
    program = shutil.which(tool)
    if program is None:
        raise Invalid(
            _l(
                "%(tool)s is not installed: install PostgreSQL's client tools to back up or "
                "restore a PostgreSQL database.",
                tool=tool,
            )
        )
    connection = [
        f"--host={url.host or 'localhost'}",
        f"--port={url.port or 5432}",
        f"--username={url.username or ''}",
        f"--dbname={url.database}",
    ]
    # The password goes by the environment, never on a command line others can list.
    environment = os.environ | ({"PGPASSWORD": url.password} if url.password else {})
    done = subprocess.run(
        [program, *connection, *arguments], env=environment, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise Invalid(_l("%(tool)s failed: %(error)s", tool=tool, error=done.stderr.strip()[:500]))


def photos_named(session: so.Session) -> list[str]:
    """The photo files a database names (each photo and its thumbnail)."""
    names = list(session.scalars(sa.select(Photo.filename)))
    return names + [name.replace(".jpg", ".thumb.jpg") for name in names]


# Once a day while the app runs --------------------------------------------------------------


def start_daily(app: Flask, say: Callable[[str], object]) -> threading.Event:
    """A thread that backs up now and then once a day; set the event it returns to stop it.
    `say` tells the console what was written (or why not)."""
    stop = threading.Event()

    def run() -> None:
        while True:
            with app.app_context():
                try:
                    say(f"Backed up to {make_backup()}.")
                except Exception as error:  # noqa: BLE001 - a failed backup must not stop the app
                    app.logger.exception("The backup failed")
                    say(f"The backup failed: {error}")
                finally:
                    db.session.remove()
            if stop.wait(DAILY.total_seconds()):
                return

    threading.Thread(target=run, name="daily-backup", daemon=True).start()
    return stop
