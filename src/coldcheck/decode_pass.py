"""Verify's second pass: the typed decode of every stored body, in other processes.

The structural checks (leaf hashes, running roots, checkpoint and head signatures) are
a few microseconds an event; decoding each body (`envelope.decode`: the JSON, then
`codec.from_data` for its type) and matching it with its row's columns costs more than
all of them together. So on a large log stored in a database file or server, verify
splits them: this pass decodes chunks of seqs in worker processes while the structural
pass runs in the caller, and each worker reads its own
rows from the database URL (the bodies are not pickled across). A worker answers the
first seq in its chunk that does not decode, with the sentence the sequential verify
would say of it, so the merge can name the same first bad event.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from coldcheck import envelope
from coldcheck.domain import events as ev
from coldcheck.domain.errors import IntegrityError
from coldcheck.store import StoredEvent
from coldcheck.store.sql import SqlStore

Unreadable = tuple[int, str]  # (seq, what verify says of it)


def decoded(production_id: str, stored: StoredEvent) -> ev.Recorded:
    """The stored body decoded; IntegrityError if it does not decode or does not say what
    its row's columns say (the first checks of verify on each event)."""
    try:
        owner, rec = envelope.decode(stored.body)
    except IntegrityError as exc:
        raise IntegrityError(f"event #{stored.seq} is unreadable: {exc}", stored.seq) from exc
    if (owner, rec.seq, rec.event_id, rec.type, rec.at, rec.actor) != (
        production_id,
        stored.seq,
        stored.event_id,
        stored.type,
        stored.at,
        stored.actor,
    ):
        raise IntegrityError(f"event #{stored.seq} does not match its own row", stored.seq)
    return rec


def first_unreadable(url: str, production_id: str, after: int, upto: int) -> Unreadable | None:
    """The first event in seqs after..upto whose body does not decode or does not match
    its row, if any, and what verify says of it."""
    store = SqlStore(url)
    try:
        for stored in store.read_events(production_id, after=after, upto=upto):
            try:
                decoded(production_id, stored)
            except IntegrityError as exc:
                return stored.seq, str(exc)
        return None
    finally:
        store.engine.dispose()


class DecodePass:
    """The decode of seqs 1..upto, started in worker processes; `first` waits for it.

    Workers are spawned (not forked): the caller may hold threads and pooled database
    connections that a forked child must not share."""

    def __init__(self, url: str, production_id: str, upto: int) -> None:
        workers = max(1, (os.cpu_count() or 1) - 1)  # one core runs the structural pass
        chunks = 4 * workers
        self.pool = ProcessPoolExecutor(workers, multiprocessing.get_context("spawn"))
        bounds = [upto * i // chunks for i in range(chunks + 1)]
        self.chunks: list[tuple[int, Future[Unreadable | None]]] = [
            (lo, self.pool.submit(first_unreadable, url, production_id, lo, hi))
            for lo, hi in itertools.pairwise(bounds)
            if hi > lo
        ]

    def first(self, upto: float) -> Unreadable | None:
        """The first undecodable event at or below seq `upto`; the chunks past it are
        cancelled (the structural pass already failed there)."""
        try:
            for lo, future in self.chunks:
                if lo >= upto:
                    break
                found = future.result()
                if found is not None:
                    return found
            return None
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
