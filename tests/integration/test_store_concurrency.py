"""Appends to one production wait for each other; appends to different productions do
not (PostgreSQL's head-row lock, the memory store's writer per production; SQLite has
one writer for the file); two creations of one production make one, one event id
appended to two productions at once is stored once. On every store that promises it."""

from __future__ import annotations

import threading
import time

import pytest

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.errors import Conflict
from coldcheck.ledger import SignedCheckpoint, SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store import Head, StoredEvent
from support.service_db import START_US, FakeClock, runner
from support.stores import Stores


def _head(production_id: str, seq: int = 0) -> Head:
    return Head(SignedCheckpoint(production_id, seq, bytes(32), START_US, "k", bytes(64)), "[]")


def _row(production_id: str, event_id: str) -> StoredEvent:
    return StoredEvent(
        production_id, 1, event_id, "LocationAdded", START_US, None, b"{}", bytes(32), bytes(32)
    )


def _add_location(location_id: str) -> c.AddLocation:
    return c.AddLocation(actor="rosa", location_id=location_id, name=location_id, secure=True)


def _two_productions(stores: Stores, key: SigningKey) -> None:
    app = stores.app(key)
    for production in ("show-a", "show-b"):
        demo.setup(runner(app, production))


def _other_instance(stores: Stores, key: SigningKey) -> ColdCheck:
    """Another service on the store (another process, as far as a SQL store knows)."""
    return stores.app(key, clock=FakeClock(start=START_US + 10**9))


def _append_in_thread(
    app: ColdCheck, production: str, location: str
) -> tuple[threading.Thread, list[object]]:
    """Start an append in another thread; the list receives its outcome or its error."""
    result: list[object] = []

    def append() -> None:
        try:
            result.append(app.execute(production, _add_location(location)))
        except BaseException as exc:  # surfaced by the caller
            result.append(exc)

    thread = threading.Thread(target=append)
    thread.start()
    return thread, result


@pytest.mark.parametrize("stores", ["memory", "postgresql"], indirect=True)
def test_appends_to_two_productions_do_not_wait_for_each_other(stores: Stores) -> None:
    key = SigningKey.generate()
    _two_productions(stores, key)
    store = stores.open()
    other = _other_instance(stores, key)
    with store.writing("show-a"):  # an append on production A, still open
        thread, result = _append_in_thread(other, "show-b", "b-shelf")
        thread.join(timeout=20)
        assert not thread.is_alive(), "an append to B waited for A's transaction"
        assert len(result) == 1
        assert not isinstance(result[0], BaseException), result
    assert store.head("show-b").seq == store.head("show-a").seq + 1


def test_appends_to_one_production_wait_for_each_other(stores: Stores) -> None:
    key = SigningKey.generate()
    _two_productions(stores, key)
    store = stores.open()
    other = _other_instance(stores, key)
    with store.writing("show-a") as tx:
        before = tx.head.seq
        thread, result = _append_in_thread(other, "show-a", "a-shelf")
        time.sleep(0.5)
        assert thread.is_alive(), "a second appender did not wait"
        assert result == []
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert not isinstance(result[0], BaseException), result
    assert store.head("show-a").seq == before + 1


def test_creating_one_production_twice_at_once_is_one_production_and_a_conflict(
    stores: Stores,
) -> None:
    key = SigningKey.generate()
    apps = [stores.app(key) for _ in range(4)]
    barrier = threading.Barrier(len(apps))
    outcomes: list[object] = []

    def create(app: ColdCheck) -> None:
        barrier.wait(timeout=10)
        try:
            outcomes.append(app.execute("twin", c.CreateProduction(name="Twin")))
        except BaseException as exc:  # checked below
            outcomes.append(exc)

    threads = [threading.Thread(target=create, args=(app,)) for app in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(errors) == len(apps) - 1
    assert all(isinstance(e, Conflict) for e in errors), errors
    assert apps[0].store.production_ids() == ["twin"]
    assert apps[0].store.head("twin").seq == 1


def test_one_event_id_appended_to_two_productions_at_once_is_stored_once(stores: Stores) -> None:
    store = stores.open()
    for production in ("show-a", "show-b"):
        with store.creating(production, START_US, bytes(32), _head(production)):
            pass
    a_open = threading.Event()
    results: dict[str, str] = {}

    def append(production: str) -> None:
        try:
            with stores.open().writing(production) as tx:
                tx.append([_row(production, "same.0")], _head(production, 1))
                if production == "show-a":
                    a_open.set()
                    time.sleep(0.3)  # the other appends meanwhile, or waits to
            results[production] = "committed"
        except Conflict:
            results[production] = "conflict"

    first = threading.Thread(target=append, args=("show-a",))
    first.start()
    assert a_open.wait(timeout=10)
    second = threading.Thread(target=append, args=("show-b",))
    second.start()
    first.join(timeout=20)
    second.join(timeout=20)
    assert sorted(results.values()) == ["committed", "conflict"], results
    with store.writing("show-a") as tx:
        assert len(tx.find_events(["same.0"])) == 1
    assert store.last_seq("show-a") + store.last_seq("show-b") == 1
