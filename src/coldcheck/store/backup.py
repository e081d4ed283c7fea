"""Consistent online copies of the database, and the parts a restore is built from.

Backup. SQLite: the driver's online backup API copies a consistent snapshot while writers
go on (WAL lets them). PostgreSQL: pg_dump, a snapshot in one transaction.

Restore never loads a backup as it is. `open_backup` reads one without running any of it
(backup_sqlite.py, backup_postgres.py); `Target` is the new database, migrated by Alembic
and filled with rows, each value checked against the type of the column the migrations
made. What is copied, and how it is judged, is the caller's (coldcheck/backups.py).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from coldcheck.domain.errors import IntegrityError, InvalidCommand, StorageError
from coldcheck.store.backup_postgres import PostgresBackup, dump_schema, run
from coldcheck.store.backup_schema import Schema
from coldcheck.store.backup_sqlite import SqliteBackup, sqlite_schema
from coldcheck.store.engine import database_url, make_engine
from coldcheck.store.sql import MIGRATIONS, SqlStore

INSERT_BATCH = 1000


def _sqlite_path(url: str) -> Path | None:
    parsed = database_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise InvalidCommand("an in-memory database cannot be backed up or restored")
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
            run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", _libpq(url)])
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(f"backup failed: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)


class Backup(Protocol):
    """A backup opened for reading: its schema as text, its rows as values."""

    def schema(self) -> Schema: ...
    def revision(self) -> list[str]: ...
    def rows(self, table: str, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]: ...
    def count(self, table: str) -> int: ...
    def close(self) -> None: ...


@contextlib.contextmanager
def open_backup(backup_file: Path, url: str) -> Iterator[Backup]:
    """The backup, opened for a restore into the database at `url` (same backend)."""
    if not backup_file.is_file():
        raise InvalidCommand(f"no backup at {backup_file}")
    with open(backup_file, "rb") as f:
        magic = f.read(16)
    if magic.startswith(b"SQLite format 3\x00"):
        kind = "sqlite"
        wal = Path(f"{backup_file}-wal")
        if wal.exists() and wal.stat().st_size:
            # Commits still in a write-ahead log: a live database (or a copy of one taken
            # mid-write), whose file alone is not a consistent snapshot.
            raise InvalidCommand(
                f"{backup_file} is a live database (it has a write-ahead "
                "log beside it), not a backup: take one with `coldcheck "
                "backup`"
            )
    elif magic.startswith(b"PGDMP"):
        kind = "postgresql"
    else:
        raise InvalidCommand(
            f"{backup_file} is not a ColdCheck backup (neither a SQLite "
            "database nor a pg_dump archive)"
        )
    if (kind == "sqlite") != (_sqlite_path(url) is not None):
        raise InvalidCommand(
            f"{backup_file} is a {kind} backup: restore it into a {kind} database (--database-url)"
        )
    source: Backup = (
        SqliteBackup(backup_file) if kind == "sqlite" else PostgresBackup(backup_file, _libpq(url))
    )
    try:
        yield source
    finally:
        source.close()


def _alembic() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic()).get_current_head()
    assert head is not None
    return head


def known_revision(found: list[str]) -> str:
    """The one schema revision a backup names, if this code has it."""
    if not found:
        raise IntegrityError(
            "the backup has no schema revision (no row in alembic_version): "
            "it is not a ColdCheck database, or it was altered"
        )
    if len(found) > 1:
        raise IntegrityError(
            f"the backup names several schema revisions "
            f"({', '.join(map(repr, found))}): it was altered"
        )
    known = {r.revision for r in ScriptDirectory.from_config(_alembic()).walk_revisions()}
    if found[0] not in known:
        raise InvalidCommand(
            f"the backup's schema is at revision {found[0]!r}, which this ColdCheck does not "
            f"have (its newest is {head_revision()}): the backup was made by a newer "
            "ColdCheck; restore it with that version or a newer one"
        )
    return found[0]


class Target:
    """The new database a restore builds: the migrations' schema, then checked rows."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.dialect = self.engine.dialect.name

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sa.exc.IntegrityError as exc:
            raise IntegrityError(
                f"the backup's rows break a constraint the migrations make "
                f"(it was altered): {' '.join(str(exc.orig).split())[:300]}"
            ) from exc
        except sa.exc.SQLAlchemyError as exc:
            raise StorageError(
                f"restore failed writing the new database: {' '.join(str(exc).split())[:500]}"
            ) from exc

    def migrate_to(self, revision: str) -> None:
        """Alembic's upgrade to `revision` ("head" for the newest)."""
        cfg = _alembic()
        with self._errors(), self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            alembic_command.upgrade(cfg, revision)

    def schema(self) -> Schema:
        """The schema as it stands, described as a backup's is."""
        if self.dialect != "sqlite":
            return dump_schema(
                run(["pg_dump", "--schema-only", "--no-owner", "--file=-", _libpq(self.url)])
            )
        with self._errors():
            conn = self.engine.raw_connection()
            try:
                return sqlite_schema(conn.driver_connection)  # type: ignore[arg-type]
            finally:
                conn.close()

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Insert rows (values in `columns` order), each value checked against its
        column's type, length and nullability; the count inserted."""
        done = 0
        with self._errors(), self.engine.begin() as conn:
            made = sa.Table(table, sa.MetaData(), autoload_with=conn)
            cols = [made.c[name] for name in columns]
            statement = made.insert()
            it = iter(rows)
            while batch := list(islice(it, INSERT_BATCH)):
                conn.execute(
                    statement,
                    [
                        {c.name: _checked(table, c, v) for c, v in zip(cols, row, strict=True)}
                        for row in batch
                    ],
                )
                done += len(batch)
        return done

    def store(self) -> SqlStore:
        return SqlStore(self.url)

    def close(self) -> None:
        self.engine.dispose()


def _checked(table: str, column: sa.Column[Any], value: Any) -> Any:
    where = f"the backup's {table}.{column.name}"
    if value is None:
        if not column.nullable:
            raise IntegrityError(f"{where} is empty, where the schema requires a value")
        return None
    if isinstance(value, memoryview | bytearray):
        value = bytes(value)
    try:
        expected = column.type.python_type
    except NotImplementedError:
        return value
    if expected is bool and type(value) is int and value in (0, 1):
        value = bool(value)  # SQLite stores booleans as 0 and 1
    if type(value) is not expected:
        raise IntegrityError(
            f"{where} holds {type(value).__name__} {value!r:.40}, where the "
            f"schema has {expected.__name__}: the backup was altered"
        )
    length = getattr(column.type, "length", None)
    if length and isinstance(value, str) and len(value) > length:
        raise IntegrityError(
            f"{where} holds {len(value)} characters, more than its {length}: the backup was altered"
        )
    return value


def is_empty(url: str) -> bool:
    """Whether the database at `url` holds no tables (or, for SQLite, is no file yet)."""
    path = _sqlite_path(url)
    if path is not None:
        return not path.exists()
    engine = make_engine(url)
    try:
        return not sa.inspect(engine).get_table_names()
    except sa.exc.SQLAlchemyError as exc:
        shown = database_url(url).render_as_string(hide_password=True)
        raise StorageError(f"cannot open {shown}: {exc}") from exc
    finally:
        engine.dispose()


def discard(url: str) -> None:
    """Remove a restore that was refused (the database was new and empty before)."""
    path = _sqlite_path(url)
    if path is not None:
        for suffix in ("", "-wal", "-shm", "-writer.lock"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
