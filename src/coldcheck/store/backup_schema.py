"""What a database's schema is made of, and how a backup's differs from the migrations'.

A schema is a map from each object (kind, table, name) to its definition, normalised:
tables and each of their columns, indexes, constraints, triggers, functions, views … as
the backend describes them (SQLite's `sqlite_master`, PostgreSQL's dump script). A
restore compares the backup's with a database freshly migrated to the same revision and
reports every difference; it never takes anything of the backup's schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class ObjectKey:
    kind: str  # "table", "column", "trigger", "index", "function", "fk constraint" …
    table: str  # the table it belongs to (a table's own name for a table; "" for none)
    name: str


Schema = dict[ObjectKey, str]

# What a restore did about each kind of difference.
EXTRA = "in the backup but not made by the migrations; not restored"
MISSING = "missing from the backup; in place as the migrations make it"
DIFFERS = "differs in the backup; restored as the migrations make it"


@dataclass(frozen=True, slots=True)
class SchemaDifference:
    """One object whose definition in the backup is not the migrations' (`change` is
    EXTRA, MISSING or DIFFERS)."""

    kind: str
    table: str
    name: str
    change: str
    backup: str = ""  # the backup's definition ("" when it has none)
    expected: str = ""  # the migrations' definition ("" when they make none)

    def describe(self) -> str:
        if self.kind == "column":
            what = f"column {shown(self.table)}.{shown(self.name)}"
        elif self.table and self.table != self.name:
            what = f"{self.kind} {shown(self.name)} on {shown(self.table)}"
        else:
            what = f"{self.kind} {shown(self.name)}"
        return f"{what}: {self.change}"


def shown(name: str) -> str:
    """A name from the backup as it may be printed: anything unprintable (a terminal
    escape, a newline) is spelled out, so a planted name cannot rewrite the report."""
    return name if name.isprintable() else repr(name)


def normalised(sql: str) -> str:
    """A definition with its whitespace collapsed (layout is not a difference)."""
    return re.sub(r"\s+", " ", sql).strip()


def columns(schema: Schema, table: str) -> list[str]:
    """The table's columns, in the order the schema lists them."""
    return [k.name for k in schema if k.kind == "column" and k.table == table]


def has_table(schema: Schema, table: str) -> bool:
    return ObjectKey("table", table, table) in schema


def compare(backup: Schema, expected: Schema) -> list[SchemaDifference]:
    """Every object that differs, is missing or is extra in the backup. A table whose
    columns or constraints differ is reported by those, and a table that is wholly extra
    or missing as the table alone."""
    parts = ("column", "constraint")  # what a table's own definition lists
    part_changes = {k.table for k in backup.keys() ^ expected.keys() if k.kind in parts}
    part_changes |= {
        k.table
        for k in backup.keys() & expected.keys()
        if k.kind in parts and backup[k] != expected[k]
    }
    whole = {k.table for k in backup.keys() ^ expected.keys() if k.kind == "table"}
    out = []
    for key in sorted(backup.keys() | expected.keys(), key=_order):
        if key.kind == "column" and key.table in whole:
            continue
        mine, theirs = backup.get(key), expected.get(key)
        if theirs is None:
            change = EXTRA
        elif mine is None:
            change = MISSING
        elif mine != theirs and not (key.kind == "table" and key.table in part_changes):
            change = DIFFERS
        else:
            continue
        out.append(
            SchemaDifference(key.kind, key.table, key.name, change, mine or "", theirs or "")
        )
    return out


def _order(key: ObjectKey) -> tuple[int, str, str, str]:
    # Tables first, then their columns, then everything else.
    rank = {"table": 0, "column": 1}.get(key.kind, 2)
    return rank, key.table, key.kind, key.name
