"""Restoring a backup (services.backup) into an instance nobody is serving.

Before anything is replaced, the backup is checked whole: it is one of ours, its SQLite file
passes `PRAGMA integrity_check`, its audit log's chain holds, and every photo it names is in
it. Then, holding the instance's lock (instance_lock) so the app cannot start meanwhile:
what is there now is backed up first (a restore of the wrong backup is undone the same way),
the database is replaced (SQLite's backup API into the live file, in one transaction; or
`pg_restore --single-transaction`), the photos are swapped whole, the schema is brought up to
this version of the app, and the chain is checked again on what was restored.
"""

import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_migrate import upgrade

from workshop.extensions import db
from workshop.instance_lock import InstanceLock
from workshop.models import AuditEvent, Unit
from workshop.services import audit_log
from workshop.services.backup import (
    DUMP_FILE,
    PHOTOS,
    SQLITE_FILE,
    Manifest,
    make_backup,
    pg_restore,
    photo_dir,
    photos_named,
)
from workshop.services.errors import Invalid


@dataclass(frozen=True)
class RestoreReport:
    """What was restored, in the words the command prints."""

    source: Path
    made_at: str
    units: int
    audit_events: int
    photos: int
    kept_before: Path
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"Restored the backup made {self.made_at} from {self.source}:",
            f"  {self.units} units, {self.audit_events} audit events (the chain holds), "
            f"{self.photos} photos.",
            f"What was here before is kept in {self.kept_before}.",
            *self.notes,
        ]


def restore(source: Path, instance: Path) -> RestoreReport:
    """Check the backup folder `source`, then put it in place of this instance's data; Invalid
    saying why when the backup does not hold (nothing is changed then); InstanceBusy while the
    app is served from `instance`."""
    manifest = Manifest.read(source)
    dialect = db.engine.dialect.name
    if manifest.database != dialect:
        raise Invalid(
            _l(
                "This backup is of a %(backup)s database; this instance runs on %(here)s.",
                backup=manifest.database,
                here=dialect,
            )
        )
    if dialect == "sqlite":
        _check_sqlite(source)
    elif not (source / DUMP_FILE).is_file():
        raise Invalid(_l("The backup has no %(file)s.", file=DUMP_FILE))
    with InstanceLock(instance):
        # Nothing is pruned now: the backup being restored may be the oldest one kept.
        kept = make_backup(note="before-restore", prune_old=False)
        db.session.remove()
        db.engine.dispose()
        if dialect == "sqlite":
            _replace_sqlite(source / SQLITE_FILE, Path(str(db.engine.url.database)))
        else:
            pg_restore(db.engine.url, source / DUMP_FILE)
        _replace_photos(source / PHOTOS)
        upgrade()
        return _report(source, manifest, kept)


def _check_sqlite(source: Path) -> None:
    copy = source / SQLITE_FILE
    if not copy.is_file():
        raise Invalid(_l("The backup has no %(file)s.", file=SQLITE_FILE))
    try:
        with closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        result = str(error)
    if result != "ok":
        raise Invalid(_l("The backup's database is damaged: %(result)s", result=result))
    engine = sa.create_engine(f"sqlite:///{copy.as_posix()}")
    try:
        with so.Session(engine) as session:
            check = audit_log.verify(session)
            missing = [n for n in photos_named(session) if not (source / PHOTOS / n).is_file()]
    finally:
        engine.dispose()
    _refuse_a_broken_chain(
        check,
        lambda **named: _l(
            "The backup's audit log does not hold at event %(id)d: %(why)s.", **named
        ),
    )
    if missing:
        raise Invalid(
            _l(
                "The backup lacks photos its database names (%(count)d), e.g. %(name)s.",
                count=len(missing),
                name=missing[0],
            )
        )


def _replace_sqlite(copy: Path, live: Path) -> None:
    """The backup's pages into the live database file, in one transaction of SQLite's backup
    API: a power cut leaves the old database or the new one, never a mix."""
    with (
        closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as source,
        closing(sqlite3.connect(live)) as target,
    ):
        source.backup(target)


def _replace_photos(backed_up: Path) -> None:
    """The photo folder becomes the backup's, swapped whole by renaming."""
    live = photo_dir()
    incoming = live.with_name(f".{live.name}.restoring")
    outgoing = live.with_name(f".{live.name}.replaced")
    for leftover in (incoming, outgoing):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(backed_up, incoming)
    if live.exists():
        live.rename(outgoing)
    incoming.rename(live)
    shutil.rmtree(outgoing, ignore_errors=True)


def _refuse_a_broken_chain(
    check: audit_log.ChainCheck, sentence: Callable[..., LazyString]
) -> None:
    """Invalid with `sentence(id=..., why=...)` when the chain does not hold."""
    if check.broken is not None:
        raise Invalid(sentence(id=check.broken.id, why=audit_log.explain(check)))


def _report(source: Path, manifest: Manifest, kept: Path) -> RestoreReport:
    check = audit_log.verify()
    _refuse_a_broken_chain(
        check,
        lambda **named: _l(
            "Restored, but the audit log does not hold at event %(id)d: %(why)s.", **named
        ),
    )
    notes = []
    last = db.session.scalar(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    if manifest.last_audit_hash is not None and last != manifest.last_audit_hash:
        notes.append("Note: the last audit event is not the one the backup recorded.")
    return RestoreReport(
        source=source,
        made_at=manifest.made_at,
        units=db.session.scalar(sa.select(sa.func.count(Unit.id))) or 0,
        audit_events=check.checked,
        photos=sum(1 for p in photo_dir().iterdir() if p.is_file()),
        kept_before=kept,
        notes=notes,
    )
