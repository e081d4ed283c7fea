"""Reading a SQLite backup without trusting it.

The file is opened read-only and immutable (no lock, no `-wal` or `-shm` beside it,
nothing written) with `query_only` and `trusted_schema=OFF`. Only plain SELECTs of
named columns from named tables are run, so none of the backup's triggers fire and no
view or function of its schema is used; its schema is read from `sqlite_master` as text.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from coldcheck.domain.errors import IntegrityError, StorageError
from coldcheck.store.backup_schema import ObjectKey, Schema, has_table, normalised

READ_BATCH = 2000


def sqlite_schema(conn: sqlite3.Connection) -> Schema:
    """Every object in `sqlite_master` (SQLite's own `sqlite_*` ones aside), and every
    column of every table as `PRAGMA table_info` describes it."""
    schema: Schema = {}
    objects = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master "
        "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name"
    ).fetchall()
    for kind, name, table, sql in objects:
        schema[ObjectKey(kind, table, name)] = normalised(sql or "")
        if kind == "table":
            for _, column, type_, notnull, default, pk in conn.execute(
                'SELECT cid, name, type, "notnull", dflt_value, pk '
                "FROM pragma_table_info(?) ORDER BY cid",
                (name,),
            ):
                schema[ObjectKey("column", name, column)] = (
                    f"{type_} {'NOT NULL' if notnull else 'NULL'} DEFAULT {default} PK {pk}"
                )
    return schema


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class SqliteBackup:
    """A SQLite backup file, opened for reading only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
        with self._reading():
            self.conn = sqlite3.connect(uri, uri=True)
            self.conn.execute("PRAGMA query_only=ON")
            self.conn.execute("PRAGMA trusted_schema=OFF")
            found = self.conn.execute("PRAGMA quick_check").fetchall()
        if found != [("ok",)]:
            self.conn.close()
            raise IntegrityError(
                f"the backup {path} is damaged: {'; '.join(str(r[0]) for r in found[:5])}"
            )

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read the backup {self.path}: {exc}") from exc

    def schema(self) -> Schema:
        with self._reading():
            return sqlite_schema(self.conn)

    def revision(self) -> list[str]:
        """The schema revisions its `alembic_version` names (none if it has no such table)."""
        if not has_table(self.schema(), "alembic_version"):
            return []
        with self._reading():
            return [str(r[0]) for r in self.conn.execute("SELECT version_num FROM alembic_version")]

    def rows(self, table: str, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """The table's rows, these columns only, as stored (SQLite does not check types:
        the caller does)."""
        # The names are ColdCheck's own tables and the migrations' columns, quoted.
        sql = f"SELECT {', '.join(map(_quoted, columns))} FROM {_quoted(table)}"  # noqa: S608
        with self._reading():
            cursor = self.conn.execute(sql)
            while batch := cursor.fetchmany(READ_BATCH):
                yield from batch

    def count(self, table: str) -> int:
        with self._reading():
            sql = f"SELECT count(*) FROM {_quoted(table)}"  # noqa: S608 (as in rows)
            return int(self.conn.execute(sql).fetchone()[0])

    def close(self) -> None:
        self.conn.close()
