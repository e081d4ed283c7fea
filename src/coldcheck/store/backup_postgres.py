"""Reading a PostgreSQL dump without running any of it.

`pg_restore` only turns the archive into text here. `--schema-only` gives its
definitions, which are parsed and compared, never executed. `--data-only --table=T`
gives one table's rows in COPY's text format, which the server parses into a temporary
table made `LIKE` the freshly migrated one, so every value is checked against its
column's type, and a column the migrations do not make is read as text and left out.
The backup's functions, triggers, constraints and defaults never reach the server: a
planted CHECK or trigger cannot run even while the restore reads the rows.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import psycopg
from psycopg import sql

from coldcheck.domain.errors import IntegrityError, StorageError
from coldcheck.store.backup_schema import ObjectKey, Schema, normalised

READ_BATCH = 2000
# Entries named "<table> <name>" in a dump: they belong to a table.
_ON_TABLE = frozenset(
    {"trigger", "constraint", "fk constraint", "check constraint", "policy", "rule", "default"}
)
# The public schema itself, its owner, privileges and comment: set by the server's version
# and how the database was created (and recreated by `discard`), never by the migrations.
_DATABASE_LEVEL = frozenset(
    {("schema", "public"), ("acl", "SCHEMA public"), ("comment", "SCHEMA public")}
)
_HEADER = re.compile(
    r"^-- Name: (?P<name>.*); Type: (?P<type>[A-Z][A-Z ]*); "
    r"Schema: (?P<schema>[^;]*); Owner: .*$"
)
# Lines of a dump script that are not part of any definition: comments, psql
# meta-commands, session settings, ownership (which differs from server to server).
_NOISE = re.compile(
    r"^(--.*|\\.*|SET [\w.]+ = .*;|SELECT pg_catalog\.set_config\(.*\);"
    r"|ALTER .* OWNER TO .*;|\s*)$"
)
_COPY = re.compile(rb"^COPY public\.(?P<table>\S+) \((?P<columns>.*)\) FROM stdin;\n$")
_IDENTIFIER = re.compile(r'"((?:[^"]|"")*)"|([^\s,]+)')


def run(argv: list[str]) -> str:
    """Run a PostgreSQL client program; its standard output."""
    if shutil.which(argv[0]) is None:
        raise StorageError(f"{argv[0]} is not installed (Debian package postgresql-client)")
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise StorageError(f"{argv[0]} failed: {done.stderr.strip()[:500]}")
    return done.stdout


def dump_schema(script: str) -> Schema:
    """The objects a dump script defines, each entry's SQL normalised, and each table's
    columns (and inline constraints) one by one."""
    entries: list[tuple[str, str, str, list[str]]] = []
    for line in script.splitlines():
        header = _HEADER.match(line)
        if header:
            entries.append((header["type"].lower(), header["schema"], header["name"], []))
        elif entries and not _NOISE.match(line):
            entries[-1][3].append(line)
    schema: Schema = {}
    for kind, namespace, name, body in entries:
        if (kind, name) in _DATABASE_LEVEL:
            continue
        table = ""
        if kind in _ON_TABLE and " " in name:
            table, name = name.split(" ", 1)
        if namespace not in ("public", "-"):
            table, name = (f"{namespace}.{table}" if table else ""), f"{namespace}.{name}"
        if kind in ("table", "view", "materialized view"):
            table = name  # as SQLite names them
        if kind == "table":
            for key, definition in _columns(table, body):
                schema[key] = definition
        key = ObjectKey(kind, table, name)
        text = normalised("\n".join(body))
        schema[key] = f"{schema[key]} ; {text}" if key in schema else text
    return schema


def _columns(table: str, body: list[str]) -> Iterator[tuple[ObjectKey, str]]:
    # pg_dump writes one column (or table constraint) a line between "CREATE TABLE … (" and ")".
    inside = False
    for line in body:
        text = line.strip()
        if not inside:
            inside = text.startswith("CREATE") and text.endswith("(")
            continue
        if text.startswith(")"):
            return
        text = text.removesuffix(",")
        if text.startswith("CONSTRAINT "):
            yield ObjectKey("constraint", table, text.split(" ", 2)[1]), normalised(text)
            continue
        found = _IDENTIFIER.match(text)
        if found:
            name = found[1].replace('""', '"') if found[1] is not None else found[2]
            yield ObjectKey("column", table, name), normalised(text[found.end() :])


def _column_names(listed: str) -> list[str]:
    return [
        m[1].replace('""', '"') if m[1] is not None else m[2] for m in _IDENTIFIER.finditer(listed)
    ]


@contextlib.contextmanager
def _table_data(archive: Path, table: str) -> Iterator[tuple[list[str], Iterator[bytes]] | None]:
    """One table's COPY section of the archive: its column list and its data lines (None
    if the archive has no data for that table)."""
    argv = [
        "pg_restore",
        "--data-only",
        "--schema=public",
        f"--table={table}",
        "--file=-",
        str(archive),
    ]
    if shutil.which(argv[0]) is None:
        raise StorageError(f"{argv[0]} is not installed (Debian package postgresql-client)")
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors)  # noqa: S603
        assert proc.stdout is not None
        try:
            found = None
            for line in proc.stdout:
                header = _COPY.match(line)
                if header and header["table"].decode() == table:
                    found = _column_names(header["columns"].decode())
                    break
            yield None if found is None else (found, _data_lines(proc.stdout))
            for _ in proc.stdout:  # the rest, so pg_restore ends of itself
                pass
        finally:
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            raise StorageError(f"pg_restore failed: {errors.read().decode()[:500].strip()}")


def _data_lines(stream: IO[bytes]) -> Iterator[bytes]:
    for line in stream:
        if line == b"\\.\n":
            return
        yield line


class PostgresBackup:
    """A `pg_dump --format=custom` archive, read into temporary tables of the target
    database (they vanish with the connection)."""

    def __init__(self, archive: Path, target_libpq_url: str) -> None:
        self.archive = archive
        self.url = target_libpq_url
        self._schema = dump_schema(
            run(["pg_restore", "--schema-only", "--no-owner", "--file=-", str(archive)])
        )
        self._conn: psycopg.Connection[Any] | None = None
        self._loaded: set[str] = set()

    def schema(self) -> Schema:
        return self._schema

    def revision(self) -> list[str]:
        """The schema revisions its `alembic_version` names (none if it has no such table)."""
        with _table_data(self.archive, "alembic_version") as data:
            if data is None:
                return []
            return [line.rstrip(b"\n").decode(errors="replace") for line in data[1]]

    def count(self, table: str) -> int:
        """How many rows the archive holds for the table (read, not loaded)."""
        with _table_data(self.archive, table) as data:
            return 0 if data is None else sum(1 for _ in data[1])

    def rows(self, table: str, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """The table's rows, these columns only, typed as the migrations make them. The
        target must already have the table (it is the model of the temporary one)."""
        conn = self._connection()
        temp = self._load(conn, table)
        with self._reading(table), conn.transaction(), conn.cursor(name=f"read_{temp}") as cursor:
            cursor.itersize = READ_BATCH
            cursor.execute(
                sql.SQL("SELECT {} FROM {}").format(
                    sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(temp)
                )
            )
            yield from cursor

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None:
            try:
                # Autocommit: `LIKE public.t` locks the migrated table only while the
                # statement runs, so the migrations can go on altering it afterwards; the
                # temporary tables live as long as the connection.
                self._conn = psycopg.connect(self.url, autocommit=True)
            except psycopg.Error as exc:
                raise StorageError(f"cannot connect to the target database: {exc}") from exc
        return self._conn

    def _load(self, conn: psycopg.Connection[Any], table: str) -> str:
        temp = f"backup_{table}"
        if table in self._loaded:
            return temp
        with _table_data(self.archive, table) as data, self._reading(table):
            if data is None:
                raise IntegrityError(f"the backup has no rows for table {table}")
            listed, lines = data
            conn.execute(
                sql.SQL("CREATE TEMPORARY TABLE {} (LIKE public.{})").format(
                    sql.Identifier(temp), sql.Identifier(table)
                )
            )
            made = {
                r[0]
                for r in conn.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                    "AND attnum > 0 AND NOT attisdropped",
                    (temp,),
                )
            }
            for extra in dict.fromkeys(c for c in listed if c not in made):
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD COLUMN {} text").format(
                        sql.Identifier(temp), sql.Identifier(extra)
                    )
                )
            with (
                conn.cursor() as cursor,
                cursor.copy(
                    sql.SQL("COPY {} ({}) FROM STDIN").format(
                        sql.Identifier(temp), sql.SQL(", ").join(map(sql.Identifier, listed))
                    )
                ) as copy,
            ):
                for line in lines:
                    copy.write(line)
        self._loaded.add(table)
        return temp

    @contextlib.contextmanager
    def _reading(self, table: str) -> Iterator[None]:
        try:
            yield
        except (psycopg.DataError, psycopg.IntegrityError) as exc:
            raise IntegrityError(
                f"the backup's rows of {table} do not fit the table the "
                f"migrations make: {' '.join(str(exc).split())}"
            ) from exc
        except psycopg.Error as exc:
            raise StorageError(f"reading the backup's {table}: {exc}") from exc

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()  # and the temporary tables with it
