"""Persistence: the port (port.py) and its implementations, the append-only log, chain
heads and checkpoints on SQLite or PostgreSQL (sql.py), or in memory (memory.py)."""

from coldcheck.store.port import Head, Store, StoredEvent, Tail, WriteTx
from coldcheck.store.sql import SqlStore, SqlWriteTx

__all__ = ["Head", "SqlStore", "SqlWriteTx", "Store", "StoredEvent", "Tail", "WriteTx"]
