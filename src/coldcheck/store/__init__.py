"""Persistence: the append-only log, chain heads and checkpoints on SQLite or PostgreSQL."""

from coldcheck.store.sql import Head, SqlStore, StoredEvent, Tail, WriteTx

__all__ = ["Head", "SqlStore", "StoredEvent", "Tail", "WriteTx"]
