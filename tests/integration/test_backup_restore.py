"""Backup while the server writes, and restore that refuses a copy that does not verify."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from coldcheck import backups
from coldcheck.domain import commands as c
from coldcheck.domain.errors import IntegrityError, InvalidCommand
from coldcheck.ledger import SigningKey
from coldcheck.store import SqlStore
from coldcheck.store import backup as raw_backup
from coldcheck.verification import verify_log
from support.service_db import (
    PID,
    Databases,
    drop_append_only_triggers,
    raw,
    seed_demo,
)

KEY = SigningKey.generate()


def _writing(app_url: str, stop: threading.Event, acknowledged: list[int]) -> None:
    from support.service_db import open_app

    app = open_app(app_url, KEY)
    n = 0
    while not stop.is_set():
        n += 1
        out = app.execute(PID, c.RaiseConcern(actor="lane", text=f"load {n}"))
        acknowledged.append(out.records[-1].seq)
    app.store.close()


def test_backup_under_write_load_restores_and_verifies(databases: Databases,
                                                       tmp_path: Path) -> None:
    url = databases.create()
    seed_demo(url, KEY).store.close()
    stop, acknowledged = threading.Event(), []
    writer = threading.Thread(target=_writing, args=(url, stop, acknowledged))
    writer.start()
    try:
        while len(acknowledged) < 20:
            threading.Event().wait(0.01)
        seen_at_backup = len(acknowledged)
        backups.backup(url, tmp_path / "copy.backup")
    finally:
        stop.set()
        writer.join(timeout=60)
    target = databases.create()
    reports = backups.restore(tmp_path / "copy.backup", target, KEY)
    assert [r.production_id for r in reports] == [PID]
    assert reports[0].ok
    restored = SqlStore(target)
    head = restored.head(PID).seq
    # A consistent snapshot: a prefix of the log, at least what was acknowledged before.
    assert acknowledged[seen_at_backup - 1] <= head <= acknowledged[-1]
    assert verify_log(restored, PID, KEY.public_key_bytes()).ok
    restored.close()


def test_restore_refuses_a_tampered_backup_and_keeps_nothing(databases: Databases,
                                                             tmp_path: Path) -> None:
    source = databases.create()
    seed_demo(source, KEY).store.close()
    with raw(source) as conn:
        drop_append_only_triggers(conn)
        conn.execute("UPDATE events SET actor = ? WHERE seq = ?", ("rosa", 40))
    backups.backup(source, tmp_path / "bad.backup")
    target = databases.create()
    with pytest.raises(IntegrityError, match="first bad event #40"):
        backups.restore(tmp_path / "bad.backup", target, KEY)
    assert raw_backup.is_empty(target), "nothing of the refused backup is kept"


def test_restore_refuses_another_key_and_a_non_empty_target(databases: Databases,
                                                            tmp_path: Path) -> None:
    source = databases.create()
    seed_demo(source, KEY).store.close()
    backups.backup(source, tmp_path / "good.backup")
    with pytest.raises(InvalidCommand, match="never overwrites"):
        backups.backup(source, tmp_path / "good.backup")
    with pytest.raises(IntegrityError, match="another key"):
        backups.restore(tmp_path / "good.backup", databases.create(), SigningKey.generate())
    with pytest.raises(InvalidCommand, match="new, empty database"):
        backups.restore(tmp_path / "good.backup", source, KEY)
