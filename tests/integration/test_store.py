"""The persistence port's contract (store/port.py), the same assertions on every store:
in memory, SQLite and PostgreSQL. A production is created with its head; appends are
read back exactly, in order; a seq or an event id (across productions) taken already is
a Conflict; a transaction commits whole or not at all, and nothing of it is seen before;
an unknown production is NotFound. What only the SQL store has: test_store_sql.py,
test_store_durability.py; appends waiting for each other: test_store_concurrency.py."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import replace

import pytest

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.errors import Conflict, NotFound
from coldcheck.ledger import SignedCheckpoint, SigningKey
from coldcheck.store import Head, Store, StoredEvent, Tail, WriteTx
from support.service_db import PID, START_US, FakeClock, runner
from support.stores import Stores

KEY = bytes(range(32))  # a public key, as far as a store cares


def _head(production_id: str, seq: int = 0) -> Head:
    return Head(
        SignedCheckpoint(
            production_id, seq, bytes([seq % 256]) * 32, START_US + seq, "k", bytes(64)
        ),
        f"frontier-{seq}",
    )


def _row(production_id: str, seq: int, event_id: str | None = None) -> StoredEvent:
    return StoredEvent(
        production_id,
        seq,
        event_id or f"{production_id}-{seq}.0",
        "LocationAdded",
        START_US + seq,
        "rosa",
        b'{"n":%d}' % seq,
        bytes([seq % 256]) * 32,
        bytes([(seq + 1) % 256]) * 32,
    )


def _checkpoint(production_id: str, size: int) -> SignedCheckpoint:
    return SignedCheckpoint(production_id, size, bytes(32), START_US + size, "k", bytes(64))


def _create(store: Store, production_id: str, events: int = 0) -> list[StoredEvent]:
    rows = [_row(production_id, seq) for seq in range(1, events + 1)]
    with store.creating(production_id, START_US, KEY, _head(production_id)) as tx:
        assert (tx.head, tx.recorded_key()) == (_head(production_id), KEY)
        tx.append(rows, _head(production_id, events))
    return rows


def _unchanged(
    store: Store,
    production_id: str,
    head: Head,
    rows: list[StoredEvent],
    checkpoints: list[SignedCheckpoint],
) -> None:
    assert store.head(production_id) == head
    assert list(store.read_events(production_id)) == rows
    assert store.checkpoints(production_id) == checkpoints


def test_a_production_is_created_with_its_head_and_key(stores: Stores) -> None:
    store = stores.open()
    rows = _create(store, "show-a", events=2)
    other = stores.open()  # another handle: what was committed is there
    assert other.head("show-a") == _head("show-a", 2)
    assert other.public_key("show-a") == KEY
    assert other.production_ids() == ["show-a"]
    assert list(other.read_events("show-a")) == rows
    assert other.last_seq("show-a") == 2


def test_creating_a_production_that_exists_is_a_conflict_and_changes_nothing(
    stores: Stores,
) -> None:
    store = stores.open()
    rows = _create(store, "show-a", events=1)
    with (
        pytest.raises(Conflict, match="already exists"),
        store.creating("show-a", START_US, bytes(32), _head("show-a")),
    ):
        pytest.fail("a second creation ran")
    _unchanged(store, "show-a", _head("show-a", 1), rows, [])
    assert store.public_key("show-a") == KEY


def test_an_unknown_production_is_not_found(stores: Stores) -> None:
    store = stores.open()
    _create(store, "show-a")
    for ask in (store.head, store.public_key):
        with pytest.raises(NotFound, match="nowhere"):
            ask("nowhere")
    with pytest.raises(NotFound, match="nowhere"), store.writing("nowhere"):
        pytest.fail("a transaction on nothing")
    assert (
        list(store.read_events("nowhere")),
        store.checkpoints("nowhere"),
        store.last_seq("nowhere"),
    ) == ([], [], 0)
    assert store.production_ids() == ["show-a"]


def test_appends_are_read_back_exactly_in_order(stores: Stores) -> None:
    store = stores.open()
    rows = _create(store, "show-a", events=3)
    with store.writing("show-a") as tx:
        assert tx.head == _head("show-a", 3)
        assert tx.tail == Tail(3, rows[-1].leaf_hash, rows[-1].root)
        assert list(tx.events_after(1)) == rows[1:]
        more = [_row("show-a", 4), _row("show-a", 5)]
        tx.append(more, _head("show-a", 5))
        tx.add_checkpoint(_checkpoint("show-a", 5))
        rows += more
    assert list(store.read_events("show-a")) == rows
    assert list(store.read_events("show-a", after=1, upto=4)) == rows[1:4]
    assert list(store.read_events("show-a", after=5)) == []
    assert store.checkpoints("show-a") == [_checkpoint("show-a", 5)]
    assert store.checkpoints("show-a", after=5) == []
    assert store.head("show-a") == _head("show-a", 5)


def test_inside_a_transaction_its_appends_are_seen_outside_only_once_committed(
    stores: Stores,
) -> None:
    store, outside = stores.open(), stores.open()
    rows = _create(store, "show-a", events=1)
    with store.writing("show-a") as tx:
        tx.append([_row("show-a", 2)], _head("show-a", 2))
        tx.add_checkpoint(_checkpoint("show-a", 2))
        assert tx.head == _head("show-a", 2)
        assert [e.seq for e in tx.events_after(0)] == [1, 2]
        assert tx.checkpoints_after(0) == [_checkpoint("show-a", 2)]
        assert tx.find_events(["show-a-2.0"]) == [_row("show-a", 2)]
        _unchanged(outside, "show-a", _head("show-a", 1), rows, [])
    assert outside.head("show-a") == _head("show-a", 2)
    assert [e.seq for e in outside.read_events("show-a")] == [1, 2]


def _power_cut(
    transaction: AbstractContextManager[WriteTx], rows: list[StoredEvent], checkpoint: bool = True
) -> None:
    """Append in the transaction, keep a checkpoint, then fail before it ends."""
    with transaction as tx:
        tx.append(rows, _head(rows[0].production_id, rows[-1].seq))
        if checkpoint:
            tx.add_checkpoint(_checkpoint(rows[0].production_id, rows[-1].seq))
        raise RuntimeError("power cut")


def test_a_transaction_that_fails_records_nothing(stores: Stores) -> None:
    store = stores.open()
    rows = _create(store, "show-a", events=1)
    with pytest.raises(RuntimeError, match="power cut"):
        _power_cut(store.writing("show-a"), [_row("show-a", 2), _row("show-a", 3)])
    _unchanged(store, "show-a", _head("show-a", 1), rows, [])
    with pytest.raises(RuntimeError, match="power cut"):
        _power_cut(
            store.creating("show-b", START_US, KEY, _head("show-b")),
            [_row("show-b", 1)],
            checkpoint=False,
        )
    assert store.production_ids() == ["show-a"]
    _create(store, "show-b", events=1)  # the id, and the event id, are free again


def test_a_fork_through_the_store_is_a_conflict_and_writes_nothing(stores: Stores) -> None:
    app = stores.app(SigningKey.generate())
    demo.setup(runner(app))
    store = stores.open()
    head = store.head(PID)
    existing = next(store.read_events(PID, after=6, upto=7))
    with pytest.raises(Conflict), store.writing(PID) as tx:
        tx.append([existing], head)  # seq 7 again: the primary key refuses it
    assert store.head(PID) == head
    assert len(list(store.read_events(PID))) == head.seq


def test_an_event_id_is_unique_across_productions(stores: Stores) -> None:
    store = stores.open()
    a_rows = _create(store, "show-a", events=1)
    _create(store, "show-b")
    with store.writing("show-b") as tx:
        assert tx.find_events(["show-a-1.0", "nothing.0"]) == a_rows
    taken = _row("show-b", 1, event_id="show-a-1.0")
    with pytest.raises(Conflict), store.writing("show-b") as tx:
        tx.append([taken], _head("show-b", 1))
    twice = [_row("show-b", 1, "same.0"), _row("show-b", 2, "same.0")]
    with pytest.raises(Conflict), store.writing("show-b") as tx:
        tx.append(twice, _head("show-b", 2))
    _unchanged(store, "show-b", _head("show-b"), [], [])


def test_a_checkpoint_is_kept_once(stores: Stores) -> None:
    store = stores.open()
    rows = _create(store, "show-a", events=2)
    for size in (1, 2):
        with store.writing("show-a") as tx:
            tx.add_checkpoint(_checkpoint("show-a", size))
    kept = [_checkpoint("show-a", 1), _checkpoint("show-a", 2)]
    assert store.checkpoints("show-a", after=1) == kept[1:]
    with pytest.raises(Conflict), store.writing("show-a") as tx:
        tx.add_checkpoint(replace(_checkpoint("show-a", 2), root=b"\x01" * 32))
    _unchanged(store, "show-a", _head("show-a", 2), rows, kept)


def test_binary_columns_come_back_as_bytes_and_times_exactly(stores: Stores) -> None:
    odd = START_US + 123_457  # microseconds that a float or a millisecond column would lose
    app = stores.app(SigningKey.generate(), clock=FakeClock(start=odd))
    app.execute(PID, c.CreateProduction(name="Cold Creek"))
    app.checkpoint(PID)
    store = stores.open()  # fresh connections, nothing cached
    head = store.head(PID)
    (event,) = store.read_events(PID)
    (checkpoint,) = store.checkpoints(PID)
    for value in (
        head.checkpoint.root,
        head.checkpoint.signature,
        event.body,
        event.leaf_hash,
        event.root,
        checkpoint.root,
        checkpoint.signature,
        store.public_key(PID),
    ):
        assert type(value) is bytes
    assert (event.at, head.checkpoint.at, checkpoint.at) == (odd, odd, odd)
    assert type(event.at) is int
    assert next(app.records(PID)).at == odd


def test_integers_beyond_a_double_round_trip_exactly(stores: Stores) -> None:
    big = 2**62 + 1  # a float would round it; BIGINT must not
    store = stores.open()
    head = Head(SignedCheckpoint("big", 0, bytes(32), big, "k", bytes(64)), "[]")
    row = StoredEvent("big", 1, "big.0", "LocationAdded", big, None, b"{}", bytes(32), bytes(32))
    with store.creating("big", big, bytes(32), head) as tx:
        tx.append([row], replace(head, checkpoint=replace(head.checkpoint, size=1)))
    fresh = stores.open()
    assert fresh.head("big").checkpoint.at == big
    assert list(fresh.read_events("big")) == [row]
