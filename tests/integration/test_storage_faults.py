"""A full disk or a read-only database: a clear error, nothing recorded is lost, and
ColdCheck carries on when space returns. SQLite's page limit and query_only stand in for
the disk (root ignores file permissions, and mounting a tiny disk needs privileges).

On every store (memory, SQLite, PostgreSQL), through a FaultyStore: a commit that fails,
a commit whose answer is lost, a read that fails midway, a commit that takes its time."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.errors import StorageError
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.verification import verify_log
from support.faulty import FaultyStore
from support.service_db import PID, FakeClock, open_app, runner, seed_demo
from support.stores import Stores

KEY = SigningKey.generate()


def _limit(app_engine: sa.Engine, pragma: str) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(pragma)

    sa.event.listen(app_engine, "connect", on_connect)
    app_engine.dispose()  # every new connection gets the limit
    return on_connect


def _concern(n: int) -> c.RaiseConcern:
    return c.RaiseConcern(actor="lane", text="x" * 3000 + str(n))


def test_disk_full_is_a_clear_error_and_nothing_is_lost(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'full.db'}"
    seed_demo(url, KEY).store.close()
    app = open_app(url, KEY)
    pages = app.store.engine.connect().exec_driver_sql("PRAGMA page_count").scalar()
    listener = _limit(app.store.engine, f"PRAGMA max_page_count = {int(pages or 0) + 3}")
    failure = None
    for n in range(100):
        try:
            app.execute(PID, _concern(n))
        except StorageError as exc:
            failure = exc
            break
    assert failure is not None
    assert "full" in str(failure)
    head = app.store.head(PID)
    assert verify_log(app.store, PID, KEY.public_key_bytes()).ok
    sa.event.remove(app.store.engine, "connect", listener)
    app.store.engine.dispose()  # space returns
    out = app.execute(PID, _concern(999))
    assert out.records[0].seq == head.seq + 1
    assert verify_log(app.store, PID, KEY.public_key_bytes()).ok


def test_read_only_database_is_a_clear_error_and_recovers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ro.db'}"
    seed_demo(url, KEY).store.close()
    app = open_app(url, KEY)
    before = app.store.head(PID)
    listener = _limit(app.store.engine, "PRAGMA query_only = ON")
    with pytest.raises(StorageError, match=r"readonly|read-only|query_only"):
        app.execute(PID, _concern(1))
    assert app.store.head(PID) == before
    sa.event.remove(app.store.engine, "connect", listener)
    app.store.engine.dispose()
    assert app.execute(PID, _concern(2)).records[0].seq == before.seq + 1


def _faulty(stores: Stores) -> tuple[ColdCheck, FaultyStore]:
    """The demo production set up on a fresh store, served through a FaultyStore."""
    faults = FaultyStore(stores.open())
    app = ColdCheck(faults, KEY, clock=FakeClock())
    demo.setup(runner(app))
    return app, faults


def _intact(app: ColdCheck) -> None:
    report = verify_log(app.store, PID, KEY.public_key_bytes())
    assert report.ok, report.problem


def test_a_failed_commit_is_a_clear_error_and_the_next_command_lands(stores: Stores) -> None:
    app, faults = _faulty(stores)
    head = app.store.head(PID)
    faults.fail_commit(StorageError("disk I/O error"))
    with pytest.raises(StorageError, match="disk I/O error"):
        app.execute(PID, _concern(1))
    assert app.store.head(PID) == head
    assert app.state(PID).seq == head.seq
    _intact(app)
    assert app.execute(PID, _concern(2)).records[0].seq == head.seq + 1
    _intact(app)


def test_a_commit_whose_answer_was_lost_is_recorded_once_when_retried(stores: Stores) -> None:
    app, faults = _faulty(stores)
    head = app.store.head(PID)
    faults.fail_commit(StorageError("connection lost"), committed=True)
    with pytest.raises(StorageError, match="connection lost"):
        app.execute(PID, _concern(1), command_id="lost-answer")
    recorded = app.store.head(PID)
    assert recorded.seq > head.seq  # it did commit
    again = app.execute(PID, _concern(1), command_id="lost-answer")
    assert again.replayed
    assert [r.seq for r in again.records] == list(range(head.seq + 1, recorded.seq + 1))
    assert app.store.head(PID) == recorded  # nothing recorded twice
    _intact(app)


def test_a_read_that_fails_midway_is_a_clear_error_and_the_next_read_answers(
    stores: Stores,
) -> None:
    app, _ = _faulty(stores)
    faults = FaultyStore(app.store)
    fresh = ColdCheck(faults, KEY)  # nothing cached: its first read folds the whole log
    faults.fail_read(StorageError("I/O error"), after_events=5)
    with pytest.raises(StorageError, match="I/O error"):
        fresh.state(PID)
    assert fresh.state(PID) == app.state(PID)
    faults.fail_read(StorageError("I/O error"), after_events=3)
    with pytest.raises(StorageError, match="I/O error"):
        list(fresh.records(PID))
    assert list(fresh.records(PID)) == list(app.records(PID))
    assert fresh.state(PID) == app.state(PID)


def test_reads_never_wait_for_a_commit_in_progress(stores: Stores) -> None:
    app, faults = _faulty(stores)
    head = app.store.head(PID)
    pause = faults.pause_before_commit()  # a slow disk: the commit holds its transaction
    writer = threading.Thread(target=app.execute, args=(PID, _concern(1)))
    writer.start()
    try:
        assert pause.reached.wait(timeout=10)
        reader = ColdCheck(stores.open(), KEY)  # another process, reading meanwhile
        assert reader.store.head(PID) == head
        assert reader.state(PID).seq == app.state(PID).seq == head.seq
    finally:
        pause.release()
        writer.join(timeout=10)
    assert app.state(PID).seq > head.seq
