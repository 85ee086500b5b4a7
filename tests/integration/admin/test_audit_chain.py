"""Issue 12, point 7: the audit log proves itself. Each event carries a hash over its content
and the hash of the event before it; `flask verify-audit` walks the chain and names the first
event that does not hold. Concurrent writers (on PostgreSQL too) keep it a single line."""

import threading

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.helpers import make_unit, make_user
from workshop.extensions import db
from workshop.models import AuditEvent
from workshop.models.audit import GENESIS
from workshop.services import accounts, audit, ports


def _verify(app: Flask):
    return app.test_cli_runner().invoke(args=["verify-audit"])


def _events() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))


def _raw(statement: str, **values) -> None:
    """Change the log behind the app's back, as someone with the database file could."""
    with db.engine.begin() as connection:
        connection.execute(sa.text(statement), values)


@pytest.fixture
def history(app):
    """A little real history: accounts, a unit built to soldering, a port."""
    make_unit()
    make_user()
    ports.add_port("Bench 1", "COM3", None)
    return _events()


def test_every_event_is_chained_to_the_one_before(app, history):
    assert len(history) > 5
    assert history[0].prev_hash == GENESIS
    for before, event in zip(history, history[1:], strict=False):
        assert event.prev_hash == before.hash
        assert event.hash == event.content_hash() and len(event.hash) == 64


def test_verify_audit_counts_the_events_and_exits_0_when_the_chain_holds(app, history):
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Checked {len(history)} audit events: the chain holds.\n"


def test_an_event_changed_with_raw_sql_is_caught_and_named(app, history):
    target = history[3]
    _raw("UPDATE audit_events SET entity_key = 'SOMEONE-ELSE' WHERE id = :id", id=target.id)
    result = _verify(app)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Audit event {target.id} (")
    assert "its content was changed after it was written" in result.stderr
    assert "The 3 events before it hold." in result.stderr


def test_a_changed_event_whose_own_hash_is_made_again_breaks_the_next_link(app, history):
    # An event some person wrote (the catalogue's parts a bill brought in have none), not the
    # last: its author is wiped and its hash made again.
    index = next(i for i, event in enumerate(history[:-1]) if event.user_id is not None)
    target, following = history[index], history[index + 1]
    _raw("UPDATE audit_events SET user_id = NULL WHERE id = :id", id=target.id)
    forged = _events()[index]
    _raw(
        "UPDATE audit_events SET hash = :hash WHERE id = :id",
        hash=forged.content_hash(),
        id=target.id,
    )
    result = _verify(app)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Audit event {following.id} (")
    assert "it does not follow the event before it" in result.stderr


def test_an_event_removed_from_the_middle_is_caught(app, history):
    _raw("DELETE FROM audit_events WHERE id = :id", id=history[2].id)
    result = _verify(app)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Audit event {history[3].id} (")


def test_an_event_of_a_transaction_rolled_back_is_never_written(app, history):
    audit.record(None, "test.undone", "test", "1")
    db.session.rollback()
    make_user()
    events = _events()
    assert len(events) == len(history) + 1 and events[-1].action == "user.create"
    assert events[-1].prev_hash == history[-1].hash
    assert _verify(app).exit_code == 0


def _write_concurrently(app: Flask, threads: int, each: int) -> None:
    """`threads` writers at once, each its own session, half through a use case that writes
    rows first, half with nothing but the event (the lock is taken differently for each)."""
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for step in range(each):
                    if number % 2:
                        accounts.create_user(f"Writer {number}-{step}", "volunteer", "1234")
                    else:
                        audit.record(None, "test.ping", "test", f"{number}-{step}")
                        db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            errors.append(error)

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []


def test_concurrent_writers_keep_the_chain_a_single_line(app, history):
    _write_concurrently(app, threads=6, each=8)
    events = _events()
    assert len(events) == len(history) + 6 * 8
    assert len({e.prev_hash for e in events}) == len(events)  # no two follow the same event
    result = _verify(app)
    assert result.exit_code == 0, result.output + result.stderr
    assert f"Checked {len(events)} audit events" in result.output
