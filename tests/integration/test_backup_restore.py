"""Backup while the server writes, and a restore that refuses a copy that does not verify,
was signed with another key, or has a schema newer than this code. (What a restore does
with everything beside the log: test_restore_attacks.py.)"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from coldcheck import backups, demo
from coldcheck.domain import commands as c
from coldcheck.domain.errors import IntegrityError, InvalidCommand
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store import backup as raw_backup
from coldcheck.verification import verify_log
from support.service_db import (
    PID,
    TODAY,
    Databases,
    FakeClock,
    drop_append_only_triggers,
    raw,
    runner,
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


def test_backup_under_write_load_restores_and_verifies(
    databases: Databases, tmp_path: Path
) -> None:
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
    report = backups.restore(tmp_path / "copy.backup", target, KEY)
    assert [r.production_id for r in report.productions] == [PID]
    assert report.productions[0].ok
    assert report.schema == ()
    restored = SqlStore(target)
    head = restored.head(PID).seq
    # A consistent snapshot: a prefix of the log, at least what was acknowledged before.
    assert acknowledged[seen_at_backup - 1] <= head <= acknowledged[-1]
    assert verify_log(restored, PID, KEY.public_key_bytes()).ok
    restored.close()


def test_restore_refuses_a_tampered_backup_and_keeps_nothing(
    databases: Databases, tmp_path: Path
) -> None:
    source = databases.create()
    seed_demo(source, KEY).store.close()
    with raw(source) as conn:
        drop_append_only_triggers(conn)
        conn.execute("UPDATE events SET actor = ? WHERE seq = ?", ("rosa", 44))
    backups.backup(source, tmp_path / "bad.backup")
    target = databases.create()
    with pytest.raises(IntegrityError, match="first bad event #44"):
        backups.restore(tmp_path / "bad.backup", target, KEY)
    assert raw_backup.is_empty(target), "nothing of the refused backup is kept"


def test_restore_refuses_another_key_and_a_non_empty_target(
    databases: Databases, tmp_path: Path
) -> None:
    source = databases.create()
    seed_demo(source, KEY).store.close()
    backups.backup(source, tmp_path / "good.backup")
    with pytest.raises(InvalidCommand, match="never overwrites"):
        backups.backup(source, tmp_path / "good.backup")
    with pytest.raises(IntegrityError, match="another key"):
        backups.restore(tmp_path / "good.backup", databases.create(), SigningKey.generate())
    with pytest.raises(InvalidCommand, match="new, empty database"):
        backups.restore(tmp_path / "good.backup", source, KEY)


def test_restore_refuses_a_backup_from_a_newer_schema(databases: Databases, tmp_path: Path) -> None:
    source = databases.create()
    seed_demo(source, KEY).store.close()
    with raw(source) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    backups.backup(source, tmp_path / "newer.backup")
    target = databases.create()
    newest = raw_backup.head_revision()
    with pytest.raises(
        InvalidCommand,
        match=r"revision '0099', which this ColdCheck does "
        rf"not have \(its newest is {newest}\): the "
        r"backup was made by a newer ColdCheck",
    ):
        backups.restore(tmp_path / "newer.backup", target, KEY)
    assert raw_backup.is_empty(target)


def test_an_older_backup_is_restored_then_migrated(databases: Databases, tmp_path: Path) -> None:
    source = databases.create()
    raw_backup.Target(source).migrate_to("0002")  # before PIN lockouts
    app = ColdCheck(SqlStore(source), KEY, clock=FakeClock())
    demo.seed(runner(app), TODAY)
    app.store.close()
    with raw(source) as conn:
        conn.execute("INSERT INTO accounts VALUES ('rosa', 'hash', NULL, ?, 1)", (False,))
        conn.execute("INSERT INTO memberships VALUES ('rosa', ?, 'rosa')", (PID,))
    backups.backup(source, tmp_path / "old.backup")
    target = databases.create()
    report = backups.restore(tmp_path / "old.backup", target, KEY)
    newest = raw_backup.head_revision()
    assert (report.revision, report.head) == ("0002", newest)
    assert report.schema == ()
    assert report.memberships == (("rosa", PID, "rosa"),)
    with raw(target) as conn:
        assert conn.one("SELECT version_num FROM alembic_version") == (newest,)
        assert conn.one("SELECT pin_failures, pin_locked_until FROM accounts") == (0, None)
    assert verify_log(SqlStore(target), PID, KEY.public_key_bytes()).ok


def test_restore_refuses_what_is_not_a_backup_for_this_database(
    databases: Databases, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("not a backup")
    with pytest.raises(InvalidCommand, match="not a ColdCheck backup"):
        backups.restore(tmp_path / "notes.txt", databases.create(), KEY)
    with pytest.raises(InvalidCommand, match="no backup at"):
        backups.restore(tmp_path / "missing.backup", databases.create(), KEY)
    source = databases.create()
    app = seed_demo(source, KEY)
    if databases.kind == "sqlite":  # the live file, its last commits still in its WAL
        live = sa.make_url(source).database
        with pytest.raises(InvalidCommand, match="is a live database"):
            backups.restore(Path(str(live)), databases.create(), KEY)
    app.store.close()
    backups.backup(source, tmp_path / "good.backup")
    other = "postgresql" if databases.kind == "sqlite" else "sqlite"
    elsewhere = (
        f"sqlite:///{tmp_path / 'elsewhere.db'}"
        if other == "sqlite"
        else "postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    with pytest.raises(
        InvalidCommand,
        match=f"is a {databases.kind} backup: restore it into a {databases.kind} database",
    ):
        backups.restore(tmp_path / "good.backup", elsewhere, KEY)
