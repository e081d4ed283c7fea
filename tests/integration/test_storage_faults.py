"""A full disk or a read-only database: a clear error, nothing recorded is lost, and
ColdCheck carries on when space returns. SQLite's page limit and query_only stand in for
the disk (root ignores file permissions, and mounting a tiny disk needs privileges)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from coldcheck.domain import commands as c
from coldcheck.domain.errors import StorageError
from coldcheck.ledger import SigningKey
from coldcheck.verification import verify_log
from support.service_db import PID, open_app, seed_demo

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
