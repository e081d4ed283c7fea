"""Consistent online copies of the database, and putting one back.

SQLite: the driver's online backup API copies a consistent snapshot while writers go on
(WAL lets them). PostgreSQL: pg_dump (a snapshot in one transaction) and pg_restore in a
single transaction. The caller verifies a restored copy before it is used.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from coldcheck.domain.errors import InvalidCommand, StorageError
from coldcheck.store.engine import database_url, make_engine
from coldcheck.store.sql import SqlStore


def _sqlite_path(url: str) -> Path | None:
    parsed = database_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise InvalidCommand("an in-memory database cannot be backed up")
    return Path(parsed.database)


def _libpq(url: str) -> str:
    # pg_dump and pg_restore take libpq URLs, without SQLAlchemy's driver suffix.
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(url: str, target: Path) -> None:
    """Write a consistent copy of the database at `url` to `target` (a new file)."""
    if target.exists():
        raise InvalidCommand(f"{target} exists; a backup never overwrites")
    source = _sqlite_path(url)
    partial = target.with_name(target.name + ".partial")
    try:
        if source is not None:
            if not source.exists():
                raise InvalidCommand(f"no database at {source}")
            with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
                src.backup(dst)
            dst.close()
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}",
                  _libpq(url)])
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(f"backup failed: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)


def restore_into(backup_file: Path, url: str) -> None:
    """Load a backup into the (new, empty) database at `url`."""
    if not backup_file.exists():
        raise InvalidCommand(f"no backup at {backup_file}")
    target = _sqlite_path(url)
    try:
        if target is not None:
            if target.exists():
                raise InvalidCommand(f"{target} exists; restore into a new file")
            shutil.copyfile(backup_file, target)
            with open(target, "rb") as f:
                os.fsync(f.fileno())
        else:
            _run(["pg_restore", "--single-transaction", "--no-owner", "--exit-on-error",
                  f"--dbname={_libpq(url)}", str(backup_file)])
    except OSError as exc:
        raise StorageError(f"restore failed: {exc}") from exc


def _run(argv: list[str]) -> None:
    if shutil.which(argv[0]) is None:
        raise StorageError(f"{argv[0]} is not installed (Debian package postgresql-client)")
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise StorageError(f"{argv[0]} failed: {done.stderr.strip()[:500]}")


def is_empty(url: str) -> bool:
    """Whether the database at `url` holds no ColdCheck tables (or, for SQLite, no file)."""
    path = _sqlite_path(url)
    if path is not None:
        return not path.exists()
    store = SqlStore(url)
    try:
        return not store.initialised()
    finally:
        store.close()


def discard(url: str) -> None:
    """Remove a restored copy that failed verification (it was new and empty before)."""
    path = _sqlite_path(url)
    if path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
