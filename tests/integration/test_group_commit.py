"""Group commit (SQLite and PostgreSQL): commands queued behind the writer lock land in
one transaction, each decided against the state the commands before it leave, a refusal
refuses only its own command, a failed transaction records none of them, and reading the
state never waits for a writer.

To queue commands deterministically, a test holds the production's writer lock while the
commands' threads join the queue one by one, then lets go: the first thread to get the
lock commits everything queued.
"""

from __future__ import annotations

import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coldcheck import demo, envelope
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import ColdCheckError, IntegrityError, Refused, StorageError
from coldcheck.domain.state import replay
from coldcheck.domain.values import Barrel
from coldcheck.ledger import SigningKey, leaf_hash
from coldcheck.service import ColdCheck, Outcome
from coldcheck.verification import verify_log
from support.faulty import through_faults
from support.service_db import (
    PID,
    TODAY,
    copy_sqlite,
    drop_append_only_triggers,
    open_app,
    raw,
    runner,
    sqlite_url,
)

Result = Outcome | Exception


def _location(location_id: str) -> c.AddLocation:
    return c.AddLocation(actor="rosa", location_id=location_id, name=location_id, secure=True)


def _inspect(item: str = "colt-1") -> c.InspectItem:
    return c.InspectItem(
        actor="rosa",
        item_id=item,
        barrel=Barrel.CLEAR,
        chambers=(demo.DUMMY,) * 6,
        shown_to=("jack", "dan"),
    )


def _issue(item: str = "colt-1") -> c.IssueItem:
    return c.IssueItem(
        actor="rosa",
        item_id=item,
        recipient_id="jack",
        scene_id="sc-12",
        recipient_acknowledged=True,
    )


def _return(item: str = "colt-1") -> c.ReturnItem:
    return c.ReturnItem(actor="rosa", item_id=item, chambers=(demo.DUMMY,) * 6)


def batched(
    app: ColdCheck, cmds: Sequence[c.Command], ids: Sequence[str | None] | None = None
) -> list[Result]:
    """Run the commands from threads queued in this order behind the writer lock."""
    lane = app.lanes.lane(PID)
    results: list[Result | None] = [None] * len(cmds)

    def run(i: int) -> None:
        try:
            results[i] = app.execute(PID, cmds[i], ids[i] if ids else None)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(cmds))]
    with lane.writer:
        for i, thread in enumerate(threads):
            thread.start()
            deadline = time.monotonic() + 10
            while len(lane.queue) <= i:
                assert time.monotonic() < deadline, "a command never joined the queue"
                time.sleep(0.001)
    for thread in threads:
        thread.join(timeout=60)
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def _codes(result: Result) -> tuple[str, ...]:
    assert isinstance(result, Refused), result
    return tuple(v.code for v in result.violations)


def test_queued_commands_land_in_one_transaction_under_one_head(planned: ColdCheck) -> None:
    app, faults = through_faults(planned)
    before = app.store.head(PID).seq
    results = batched(app, [_location(f"shelf-{i}") for i in range(12)])
    assert faults.transactions == [PID]
    seqs = [r.records[0].seq for r in results if isinstance(r, Outcome)]
    assert seqs == list(range(before + 1, before + 13))  # in queue order, no gaps
    assert app.store.head(PID).seq == before + 12
    assert {f"shelf-{i}" for i in range(12)} <= set(app.state(PID).locations)
    assert verify_log(app.store, PID, app.key.public_key_bytes()).ok


def test_each_command_is_decided_on_the_state_the_ones_before_it_leave(planned: ColdCheck) -> None:
    # The race the log must never lose: two issues of one revolver in the same batch.
    results = batched(planned, [_inspect(), _issue(), _issue(), _location("shelf-x")])
    inspected, issued, second, located = results
    assert isinstance(inspected, Outcome)
    assert isinstance(issued, Outcome)
    assert "CUS-2" in _codes(second)  # refused: jack already holds it
    assert isinstance(located, Outcome)  # a refusal refuses only its own command
    held = planned.state(PID).items["colt-1"].custodian
    assert (held.kind, held.id) == ("person", "jack")
    assert verify_log(planned.store, PID, planned.key.public_key_bytes()).ok


@pytest.mark.parametrize("where", ["append", "commit"])
def test_a_failed_transaction_records_none_of_its_commands(planned: ColdCheck, where: str) -> None:
    app, faults = through_faults(planned)
    head = app.store.head(PID)
    state = app.state(PID)
    full = StorageError("database or disk is full")
    if where == "append":
        faults.fail_append(full)
    else:
        faults.fail_commit(full)  # the rows are in, the commit fails
    results = batched(app, [_location("a"), _location("b"), _inspect()])
    assert all(r is full for r in results), results
    assert faults.transactions == [PID]  # one transaction, failed whole
    assert app.store.head(PID) == head
    assert app.state(PID) is state  # the committed state was never touched
    assert "a" not in state.locations
    assert state.items["colt-1"].last_inspection is None
    # And the next command lands on the unchanged head.
    assert app.execute(PID, _location("a")).records[0].seq == head.seq + 1
    assert verify_log(app.store, PID, app.key.public_key_bytes()).ok


def test_a_retry_queued_with_its_first_attempt_is_a_replay(planned: ColdCheck) -> None:
    first, again = batched(
        planned, [_location("shelf-r"), _location("shelf-r")], ids=["retry-1", "retry-1"]
    )
    assert isinstance(first, Outcome)
    assert isinstance(again, Outcome)
    assert not first.replayed
    assert again.replayed
    assert again.records == first.records
    # A retry in a later batch finds it in the store.
    (later,) = batched(planned, [_location("shelf-r")], ids=["retry-1"])
    assert isinstance(later, Outcome)
    assert later.replayed
    assert later.records == first.records


def test_closing_the_day_ends_its_batch_and_is_checkpointed_exactly(planned: ColdCheck) -> None:
    lots = planned.state(PID).lots.values()
    close = c.CloseDay(actor="rosa", date=TODAY, counts=tuple((lot.id, lot.in_box) for lot in lots))
    app, faults = through_faults(planned)
    results = batched(app, [_location("before"), close, _location("after")])
    assert all(isinstance(r, Outcome) for r in results), results
    closed_at = results[1].records[-1].seq  # type: ignore[union-attr]
    assert faults.transactions == [PID, PID]
    assert closed_at in {cp.size for cp in app.store.checkpoints(PID)}


def test_reading_the_state_never_waits_for_a_writer(planned: ColdCheck) -> None:
    seen: list[int] = []
    with planned.lanes.lane(PID).writer:  # a writer holding the lock, as across a slow commit
        reader = threading.Thread(target=lambda: seen.append(planned.state(PID).seq))
        reader.start()
        reader.join(timeout=10)
        assert not reader.is_alive(), "state() waited for the writer lock"
    assert seen == [planned.store.head(PID).seq]


def test_a_command_the_record_cannot_hold_fails_alone(
    planned: ColdCheck, monkeypatch: pytest.MonkeyPatch
) -> None:
    # validate keeps out what canonical JSON cannot hold (huge integers, lone
    # surrogates); should anything still fail to encode, it is encoded before anything
    # changes, so only its own command fails.
    encode = envelope.encode

    def unencodable(production_id: str, rec: ev.Recorded) -> bytes:
        if isinstance(rec.event, ev.LocationAdded) and rec.event.location_id == "poison":
            raise ValueError("cannot be canonical JSON")
        return encode(production_id, rec)

    monkeypatch.setattr(envelope, "encode", unencodable)
    first, bad, last = batched(planned, [_location("p1"), _location("poison"), _location("p2")])
    assert isinstance(first, Outcome)
    assert isinstance(bad, ValueError)
    assert isinstance(last, Outcome)
    assert last.records[0].seq == first.records[0].seq + 1
    assert verify_log(planned.store, PID, planned.key.public_key_bytes()).ok


def test_commands_a_closed_day_left_out_of_a_failed_batch_still_run(planned: ColdCheck) -> None:
    lots = planned.state(PID).lots.values()
    close = c.CloseDay(actor="rosa", date=TODAY, counts=tuple((lot.id, lot.in_box) for lot in lots))
    app, faults = through_faults(planned)
    faults.fail_append(StorageError("database or disk is full"))  # the first batch's
    before, closed, after = batched(app, [_location("before"), close, _location("after")])
    assert isinstance(before, StorageError)
    assert isinstance(closed, StorageError)
    assert isinstance(after, Outcome)  # never in the failed transaction
    assert faults.transactions == [PID, PID]


class Interrupted(BaseException):
    """Like KeyboardInterrupt, from a signal of the test's own."""


def _interrupt(*_: object) -> None:
    raise Interrupted


def test_a_caller_interrupted_while_queued_takes_only_its_own_command_away(
    planned: ColdCheck,
) -> None:
    # A real interruption: a signal to the main thread (where Python runs its handlers)
    # while it waits in the queue, as Ctrl-C reaches a CLI waiting for its command.
    assert threading.current_thread() is threading.main_thread()
    lane = planned.lanes.lane(PID)
    got: dict[str, object] = {}

    def run(name: str, cmd: c.Command) -> None:
        try:
            got[name] = planned.execute(PID, cmd)
        except BaseException as exc:
            got[name] = exc

    def interrupt_once_queued() -> None:
        _wait_for(lambda: len(lane.queue) == 2)
        time.sleep(0.05)  # from joining the queue into its wait
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    leader = threading.Thread(target=run, args=("leader", _location("led")))
    previous = signal.signal(signal.SIGINT, _interrupt)
    try:
        with lane.writer:  # the leader waits for the lock; this thread queues behind it
            leader.start()
            _wait_for(lambda: len(lane.queue) == 1)
            threading.Thread(target=interrupt_once_queued, daemon=True).start()
            with pytest.raises(Interrupted):
                planned.execute(PID, _location("lost"))
    finally:
        signal.signal(signal.SIGINT, previous)
    leader.join(timeout=10)
    assert isinstance(got["leader"], Outcome)
    later = threading.Thread(target=run, args=("later", _location("later")), daemon=True)
    later.start()
    later.join(timeout=10)
    assert isinstance(got.get("later"), Outcome), "the production's lane was left stuck"
    assert (lane.queue, lane.leading) == ([], False)
    assert "lost" not in planned.state(PID).locations


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.001)


def test_a_restored_log_that_grew_again_is_refolded_not_continued(
    tmp_path: Path, key: SigningKey
) -> None:
    url = sqlite_url(tmp_path / "a.db")
    a = open_app(url, key)
    demo.setup(runner(a))
    copy_sqlite(tmp_path / "a.db", tmp_path / "backup.db")
    a.execute(PID, _location("lost"))  # a caches a state that includes it
    assert "lost" in a.state(PID).locations
    copy_sqlite(tmp_path / "backup.db", tmp_path / "a.db")  # restore...
    b = open_app(url, key)
    for i in range(3):  # ...and another process appends past a's cached seq
        b.execute(PID, _location(f"b{i}"))
    state = a.state(PID)
    assert "lost" not in state.locations
    assert state == replay(PID, a.records(PID))
    assert a.execute(PID, _location("lost")).records  # not refused as already there
    b.store.close()
    a.store.close()


def test_reading_first_does_not_let_an_append_onto_a_rewritten_log(
    backend: str, key: SigningKey
) -> None:
    app = open_app(backend, key)
    demo.setup(runner(app))
    rec = next(r for r in app.records(PID) if isinstance(r.event, ev.LocationAdded))
    forged = replace(rec, event=replace(rec.event, name="somewhere else"))
    body = envelope.encode(PID, forged)
    with raw(backend) as conn:  # body and leaf hash rewritten; root and head untouched
        drop_append_only_triggers(conn)
        conn.execute(
            "UPDATE events SET body = ?, leaf_hash = ? WHERE production_id = ? AND seq = ?",
            (body, leaf_hash(body), PID, rec.seq),
        )
    fresh = open_app(backend, key)
    attempts: list[Callable[[], object]] = [
        lambda: fresh.state(PID),
        lambda: fresh.execute(PID, _location("x")),
    ] * 2
    for attempt in attempts:
        with pytest.raises(IntegrityError, match="does not verify"):
            attempt()
    assert fresh.store.head(PID) == app.store.head(PID)
    fresh.store.close()
    app.store.close()


# -- property: grouping commands into transactions never changes what they decide ------

ALPHABET: list[Callable[[int], c.Command]] = [
    lambda i: _inspect("colt-1"),
    lambda i: _issue("colt-1"),
    lambda i: _return("colt-1"),
    lambda i: _inspect("colt-2"),
    lambda i: _issue("colt-2"),
    lambda i: _return("colt-2"),
    lambda i: _location(f"spot-{i % 3}"),
]


def _summary(result: Result) -> tuple[str, ...]:
    if isinstance(result, Outcome):
        return tuple(r.type for r in result.records)
    if isinstance(result, Refused):
        return ("refused", *_codes(result))
    return (type(result).__name__, str(result))


@pytest.fixture(scope="module")
def twins() -> Iterator[tuple[ColdCheck, ColdCheck]]:
    """Two services on two SQLite files with the same history: one runs commands one by
    one, the other in batches; after every example their states must still agree."""
    key = SigningKey.generate()
    with tempfile.TemporaryDirectory() as folder:
        apps = tuple(open_app(sqlite_url(Path(folder) / f"{n}.db"), key) for n in "ab")
        for app in apps:
            demo.setup(runner(app))
            demo.plan_day(runner(app), TODAY)
        yield apps  # type: ignore[misc]
        for app in apps:
            app.store.close()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    picks=st.lists(st.integers(0, len(ALPHABET) - 1), min_size=1, max_size=10),
    cuts=st.lists(st.booleans(), min_size=10, max_size=10),
)
def test_batches_decide_exactly_as_one_command_at_a_time(
    twins: tuple[ColdCheck, ColdCheck], picks: list[int], cuts: list[bool]
) -> None:
    serial, grouped = twins
    cmds = [ALPHABET[p](i) for i, p in enumerate(picks)]
    one_by_one: list[Result] = []
    for cmd in cmds:
        try:
            one_by_one.append(serial.execute(PID, cmd))
        except ColdCheckError as exc:
            one_by_one.append(exc)
    together: list[Result] = []
    batch: list[c.Command] = []
    for i, cmd in enumerate(cmds):
        batch.append(cmd)
        if cuts[i] or i == len(cmds) - 1:
            together += batched(grouped, batch)
            batch = []
    assert [_summary(r) for r in together] == [_summary(r) for r in one_by_one]
    a, b = serial.state(PID), grouped.state(PID)
    # The twins keep their own clocks: everything but the times must be the same.
    untimed = [{i: replace(it, custody_at=0) for i, it in s.items.items()} for s in (a, b)]
    assert untimed[0] == untimed[1]
    assert (a.seq, a.lots, a.locations) == (b.seq, b.lots, b.locations)


def test_a_command_id_reused_for_another_command_in_one_batch_or_later_is_refused(
    backend: str, key: SigningKey
) -> None:
    from coldcheck.service import ReusedCommandId

    app = open_app(backend, key)
    demo.setup(runner(app))
    first = app.execute(PID, _location("k-1"), "same-id")
    assert app.execute(PID, _location("k-1"), "same-id").replayed
    with pytest.raises(ReusedCommandId, match=f"#{first.records[0].seq}"):
        app.execute(PID, _location("k-2"), "same-id")
    assert app.store.head(PID).seq == first.records[-1].seq
