"""Stores of every kind, for the tests of the persistence port's contract: in memory, a
SQLite file, a PostgreSQL database (see service_db for the databases themselves)."""

from __future__ import annotations

import pytest

from coldcheck.ledger import SigningKey
from coldcheck.service import Clock, ColdCheck
from coldcheck.store import SqlStore, Store
from coldcheck.store.memory import MemoryStore
from support.service_db import BACKENDS, FakeClock

# The kinds of store the contract suite runs on, as pytest parameters.
KINDS = [pytest.param("memory", id="memory"), *BACKENDS]


class Stores:
    """Handles on one fresh store. `open()` again is another process as far as a SQL
    store can tell (its own engine and connections); in memory it is the one store."""

    def __init__(self, kind: str, url: str | None) -> None:
        self.kind = kind
        self.url = url
        self._memory = MemoryStore() if url is None else None
        self._opened: list[SqlStore] = []

    def open(self) -> Store:
        """A handle on the store (the first one migrates the database: `coldcheck init`)."""
        if self._memory is not None:
            return self._memory
        assert self.url is not None
        store = SqlStore(self.url)
        if not self._opened:
            store.migrate()
        self._opened.append(store)
        return store

    def app(self, key: SigningKey, clock: Clock | None = None) -> ColdCheck:
        """A service on its own handle on the store."""
        return ColdCheck(self.open(), key, clock=clock or FakeClock())

    def close(self) -> None:
        for store in self._opened:
            store.close()
